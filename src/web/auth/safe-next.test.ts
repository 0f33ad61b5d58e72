import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNextPath } from './safe-next';

const ORIGIN = 'https://codegenie.example';

describe('safeNextPath', () => {
  it('keeps a same-site path with its query and fragment', () => {
    expect(safeNextPath('/history?page=2#item-5', ORIGIN)).toBe('/history?page=2#item-5');
    expect(safeNextPath('/explain', ORIGIN)).toBe('/explain');
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['history'],
    ['//evil.example/path'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['https://evil.example/'],
    ['javascript:alert(1)'],
    ['/\t/evil.example'],
    ['/%0a/evil.example'.replace('%0a', '\n')],
  ])('falls back to / for %j', (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe('/');
  });

  // Finding 11: these resolve, on the app's origin, to a path a router or browser reads as another host.
  it.each([
    ['/..//evil.example/x'],
    ['/../..//evil.example/x'],
    ['/./..//evil.example'],
    ['/%2e%2e//evil.example/x'],
    ['/.%2e//evil.example/x'],
    ['/%2F%2Fevil.example/x'],
    ['/%2f/evil.example'],
    ['/%5Cevil.example'],
    ['/%5c%5cevil.example'],
    ['/%09/evil.example'],
    ['/%0d%0a/evil.example'],
    ['/%E0%A4%A'],
    ['/\\evil.example'],
    ['\\\\evil.example\\x'],
    ['//evil.example'],
    ['///evil.example'],
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    ['/javascript:alert(1)//x/..//evil.example'],
    ['data:text/html,hi'],
    ['https:/evil.example'],
    ['http://codegenie.example.evil.example/'],
  ])('resolves %j against the origin and falls back to / when it is off-origin or odd', (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe('/');
  });

  it('keeps an encoded character that decodes to nothing odd', () => {
    expect(safeNextPath('/history?q=a%2Fb', ORIGIN)).toBe('/history?q=a%2Fb');
    expect(safeNextPath('/threads/caf%C3%A9', ORIGIN)).toBe('/threads/caf%C3%A9');
  });

  it('never sends a signed-in user back to the login or register page', () => {
    expect(safeNextPath('/login?next=/login', ORIGIN)).toBe('/');
    expect(safeNextPath('/register', ORIGIN)).toBe('/');
  });

  it('normalises dot segments without leaving the site', () => {
    expect(safeNextPath('/../../history', ORIGIN)).toBe('/history');
  });
});

describe('loginPathFor', () => {
  it('adds the original path as an encoded next parameter', () => {
    expect(loginPathFor('/history?page=2')).toBe('/login?next=%2Fhistory%3Fpage%3D2');
  });

  it('leaves out next for the home page, where login goes anyway', () => {
    expect(loginPathFor('/')).toBe('/login');
  });

  it('round-trips through safeNextPath', () => {
    const next = new URLSearchParams(loginPathFor('/compare?a=1&b=2').split('?')[1]).get('next');
    expect(safeNextPath(next, ORIGIN)).toBe('/compare?a=1&b=2');
  });
});
