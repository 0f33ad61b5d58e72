import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  StoreFullError,
  StoreTimeoutError,
  StoreUnavailableError,
} from '../../errors.js';
import { MESSAGES } from '../../../shared/messages.js';
import {
  atBoundary,
  connectCause,
  describeConnectFailure,
  duplicateKeyField,
  isUnavailable,
  serverErrorOf,
  translateError,
} from './mongo-errors.js';
import { isMongoUrl, parseMongoUri, redact, withDatabase } from './mongo-uri.js';

/** A duplicate-key error as the driver builds it from the server's reply. */
function duplicate(description: Record<string, unknown>): MongoServerError {
  return new MongoServerError({ errmsg: 'E11000 duplicate key error', code: 11000, ...description });
}

/** A server-selection failure whose servers failed with `errors`. */
function selectionFailure(...errors: unknown[]): MongoServerSelectionError {
  const servers = new Map(errors.map((error, i) => [`h${i}:27017`, { error }]));
  return new MongoServerSelectionError('Server selection timed out', {
    servers,
  } as unknown as TopologyDescription);
}

function nodeError(code: string, syscall?: string): Error {
  return Object.assign(new Error(`${syscall ?? 'connect'} ${code}`), { code, syscall });
}

describe('mongo errors: translation at the boundary', () => {
  it('names the field of a duplicate key from keyPattern, then keyValue', () => {
    expect(
      duplicateKeyField(duplicate({ keyPattern: { usernameKey: 1 }, keyValue: { usernameKey: 'bob' } })),
    ).toBe('username');
    expect(duplicateKeyField(duplicate({ keyPattern: { email: 1 } }))).toBe('email');
    expect(duplicateKeyField(duplicate({ keyValue: { email: 'a@example.com' } }))).toBe('email');
    expect(duplicateKeyField(duplicate({ keyPattern: { _id: 1 } }))).toBe('id');
    expect(duplicateKeyField(duplicate({ keyPattern: { tokenHash: 1 } }))).toBe('tokenHash');
    expect(duplicateKeyField(duplicate({}))).toBeNull();
    // Never from the message text.
    expect(duplicateKeyField(duplicate({ errmsg: 'E11000 dup key: { email: "x" }' }))).toBeNull();
  });

  it('leaves other errors alone when looking for duplicate keys', () => {
    expect(duplicateKeyField(new MongoServerError({ errmsg: 'bad', code: 2 }))).toBeUndefined();
    expect(duplicateKeyField({ code: 11000, keyPattern: { email: 1 } })).toBeUndefined();
    expect(duplicateKeyField(new Error('E11000'))).toBeUndefined();
  });

  it('turns a duplicate key into the same conflict as SQLite', () => {
    const error = translateError(duplicate({ keyPattern: { usernameKey: 1 } }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(MESSAGES.usernameTaken);
    expect((error as ConflictError).details).toEqual({ fields: { username: MESSAGES.usernameTaken } });
    const email = translateError(duplicate({ keyPattern: { email: 1 } }));
    expect((email as ConflictError).details).toEqual({ fields: { email: MESSAGES.emailTaken } });
  });

  it('turns lost connections, failed selection and stepped-down primaries into store_unavailable', () => {
    const unavailable = [
      new MongoNetworkError('connection reset'),
      new MongoNetworkTimeoutError('timed out'),
      selectionFailure(nodeError('ECONNREFUSED')),
      new MongoClientClosedError(),
      new MongoServerError({ errmsg: 'not primary', code: 10107 }),
      new MongoServerError({ errmsg: 'shutting down', code: 91 }),
      new MongoServerError({ errmsg: 'x', code: 1, errorLabels: ['RetryableWriteError'] }),
    ];
    for (const error of unavailable) {
      expect(isUnavailable(error)).toBe(true);
      expect(translateError(error)).toBeInstanceOf(StoreUnavailableError);
    }
  });

  it('turns a server out of disk space into store_full, as SQLite does', () => {
    expect(translateError(new MongoServerError({ errmsg: 'No space left', code: 14031 }))).toBeInstanceOf(
      StoreFullError,
    );
  });

  it('turns an operation stopped at its maxTimeMS into store_timeout, wherever it was sent', () => {
    const expired = new MongoServerError({ errmsg: 'operation exceeded time limit', code: 50 });
    expect(translateError(expired)).toBeInstanceOf(StoreTimeoutError);
  });

  it('passes our own and unknown errors through unchanged', () => {
    const ours = new InvalidInputError();
    const bad = new MongoServerError({ errmsg: 'BadValue', code: 2 });
    const plain = new TypeError('bug');
    expect(translateError(ours)).toBe(ours);
    expect(translateError(bad)).toBe(bad);
    expect(translateError(plain)).toBe(plain);
  });

  it('translates whatever an operation throws', async () => {
    await expect(atBoundary(() => Promise.reject(new MongoNetworkError('gone')))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(atBoundary(() => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('mongo errors: start-up messages', () => {
  const local = parseMongoUri('mongodb://app:s3cr%40t@db1.example.com:27017,db2.example.com:27018/prod');
  const atlas = parseMongoUri('mongodb+srv://app:s3cret@cluster0.ab1cd.mongodb.net/?retryWrites=true');

  it('classifies the likely cause from classes, codes and syscalls', () => {
    expect(connectCause(new MongoParseError('Invalid scheme'))).toBe('parse');
    expect(connectCause(new MongoServerError({ errmsg: 'Authentication failed.', code: 18 }))).toBe('auth');
    expect(connectCause(selectionFailure(new MongoServerError({ errmsg: 'x', code: 18 })))).toBe('auth');
    expect(connectCause(new MongoServerError({ errmsg: 'not authorized', code: 13 }))).toBe('permission');
    expect(connectCause(nodeError('ENOENT', 'open'))).toBe('file');
    expect(
      connectCause(
        selectionFailure(new MongoNetworkError('x', { cause: nodeError('ERR_TLS_CERT_ALTNAME_INVALID') })),
      ),
    ).toBe('tls');
    expect(connectCause(nodeError('ENOTFOUND', 'querySrv'))).toBe('dns');
    expect(
      connectCause(selectionFailure(new MongoNetworkError('x', { cause: nodeError('EAI_AGAIN') }))),
    ).toBe('dns');
    expect(
      connectCause(selectionFailure(new MongoNetworkError('x', { cause: nodeError('ECONNREFUSED') }))),
    ).toBe('refused');
    expect(connectCause(selectionFailure(new MongoNetworkTimeoutError('timed out')))).toBe('network');
    expect(connectCause(new Error('no answer in time'))).toBe('network');
  });

  it('names every host and the database, never the password', () => {
    const message = describeConnectFailure(
      new MongoServerError({ errmsg: 'Authentication failed for s3cr@t', code: 18 }),
      local,
      10_000,
    );
    expect(message).toContain('db1.example.com:27017, db2.example.com:27018, database prod');
    expect(message).toMatch(/authentication failed: check the user name and password/);
    expect(message).not.toMatch(/s3cr/);
  });

  it('points at the Atlas IP access list when an Atlas cluster does not answer', () => {
    const message = describeConnectFailure(
      selectionFailure(new MongoNetworkTimeoutError('timed out')),
      atlas,
      8000,
    );
    expect(message).toContain('cluster0.ab1cd.mongodb.net (SRV), database codegenie');
    expect(message).toMatch(/no server answered within 8 s/);
    expect(message).toMatch(/IP access list/);
    expect(message).not.toMatch(/s3cret/);
  });

  it('does not mention Atlas for a self-hosted server', () => {
    const message = describeConnectFailure(selectionFailure(new MongoNetworkTimeoutError('t')), local, 8000);
    expect(message).not.toMatch(/Atlas/);
    expect(describeConnectFailure(nodeError('ENOTFOUND', 'getaddrinfo'), local, 8000)).toMatch(
      /could not be resolved \(DNS\)/,
    );
  });

  it('finds the server’s answer in the error, its cause or a selection failure’s servers', () => {
    const atlasError = new MongoServerError({ errmsg: 'x', code: 8000, codeName: 'AtlasError' });
    expect(serverErrorOf(atlasError)).toEqual({ code: 8000, codeName: 'AtlasError' });
    expect(serverErrorOf(selectionFailure(atlasError))).toEqual({ code: 8000, codeName: 'AtlasError' });
    expect(serverErrorOf(new Error('wrapped', { cause: atlasError }))).toMatchObject({ code: 8000 });
    expect(serverErrorOf(selectionFailure(new MongoNetworkTimeoutError('t')))).toBeNull();
    expect(connectCause(atlasError)).toBe('server');
    // Codes 18 and 13 keep their own advice.
    expect(connectCause(new MongoServerError({ errmsg: 'x', code: 13, codeName: 'Unauthorized' }))).toBe(
      'permission',
    );
  });

  it('reports a server error with its codeName and the operation, never as a network problem', () => {
    const message = describeConnectFailure(
      new MongoServerError({ errmsg: 'E11000', code: 11000, codeName: 'DuplicateKey' }),
      atlas,
      8000,
      undefined,
      'createIndexes on users',
    );
    expect(message).toMatch(
      /the server answered createIndexes on users with DuplicateKey \(code 11000\): existing documents hold duplicate values/,
    );
    expect(message).not.toMatch(/no server answered|IP access list/);
    const unknown = new MongoServerError({ errmsg: 'x', code: 2, codeName: 'BadValue' });
    expect(describeConnectFailure(unknown, local, 8000, undefined, 'ping')).toMatch(
      /the server answered ping with BadValue \(code 2\)\./,
    );
    const denied = new MongoServerError({ errmsg: 'x', code: 13, codeName: 'Unauthorized' });
    expect(describeConnectFailure(denied, local, 8000, undefined, 'createIndexes on prompts')).toMatch(
      /not allowed to run createIndexes on prompts: give it the readWrite role/,
    );
  });
});

describe('mongo connection strings', () => {
  it('reads hosts, database and password; the database defaults to codegenie', () => {
    expect(parseMongoUri('mongodb://localhost:27017')).toEqual({
      hosts: ['localhost:27017'],
      srv: false,
      database: 'codegenie',
      secrets: [],
    });
    expect(parseMongoUri('mongodb://u:p%2Fw@a:1,b:2/my%20db?replicaSet=rs0&authSource=admin')).toEqual({
      hosts: ['a:1', 'b:2'],
      srv: false,
      database: 'my db',
      secrets: ['p%2Fw', 'p/w'],
    });
    expect(parseMongoUri('mongodb+srv://u:pw@cluster0.x.mongodb.net/?tls=true')).toMatchObject({
      hosts: ['cluster0.x.mongodb.net'],
      srv: true,
      database: 'codegenie',
    });
  });

  it('refuses what is not one, without echoing an unescaped password', () => {
    expect(isMongoUrl('sqlite:data/x.db')).toBe(false);
    expect(isMongoUrl('mongodb+srv://h')).toBe(true);
    expect(() => parseMongoUri('postgres://h/db')).toThrow(/mongodb:\/\//);
    const error = (() => {
      try {
        parseMongoUri('mongodb://app:p@ss/w@host/db');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).toMatch(/percent-encode/);
    expect(error?.message).not.toMatch(/ss\/w|p@ss/);
  });

  it('swaps the database and keeps credentials and options', () => {
    expect(withDatabase('mongodb://u:p@a:1,b:2/old?replicaSet=rs0', 'codegenie_test_1')).toBe(
      'mongodb://u:p@a:1,b:2/codegenie_test_1?replicaSet=rs0',
    );
    expect(withDatabase('mongodb+srv://c.x.mongodb.net', 'x')).toBe('mongodb+srv://c.x.mongodb.net/x');
  });

  it('redacts the password as written and decoded', () => {
    const target = parseMongoUri('mongodb://u:a%40b@h/db');
    expect(redact('failed for a%40b and a@b', target)).toBe('failed for *** and ***');
  });
});
