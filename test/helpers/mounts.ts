import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Real file-system faults for storage tests (issue 13): a small tmpfs to
 * fill, a read-only mount, an ext4 image whose disk stops taking writes.
 * Mounting needs root; tests check canMount() and skip themselves, loudly,
 * without it.
 */

/** Whether this process may mount file systems (root). */
export const isRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Says on the test output why a fault test does not run here. */
export function warnSkipped(what: string, why: string): void {
  process.stderr.write(`\n*** SKIPPED: ${what}: ${why} ***\n\n`);
}

/** A mounted file system on a fresh folder; unmount() removes the folder too. */
export interface Mount {
  dir: string;
  unmount(): void;
}

/** A tmpfs of `sizeKb` on a fresh folder, read-only with `readOnly` (root only). */
export function mountTmpfs(sizeKb: number, options: { readOnly?: boolean } = {}): Mount {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-tmpfs-'));
  run('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${sizeKb}k,mode=0755${options.readOnly ? ',ro' : ''}`,
    'tmpfs',
    dir,
  ]);
  return {
    dir,
    unmount() {
      run('umount', [dir]);
      fs.rmdirSync(dir);
    },
  };
}

/** Whether ext4 images can be made and mounted here, and their disk shut down (mkfs.ext4, a loop device, python3). */
export function canMountExt4(): boolean {
  return isRoot && has('mkfs.ext4') && has('python3') && fs.existsSync('/dev/loop-control');
}

/** A fresh ext4 file system of `sizeMb` in an image file on a loop device (root only). */
export function mountExt4(sizeMb: number): Mount {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegenie-ext4-'));
  const image = `${dir}.img`;
  fs.writeFileSync(image, '');
  fs.truncateSync(image, sizeMb * 1024 * 1024);
  run('mkfs.ext4', ['-q', '-F', image]);
  run('mount', ['-o', 'loop', image, dir]);
  return {
    dir,
    unmount() {
      run('umount', [dir]);
      fs.rmdirSync(dir);
      fs.rmSync(image, { force: true });
    },
  };
}

/**
 * Makes the ext4 file system at `dir` stop taking writes at once, open files
 * included, as a disk that fails or a forced read-only remount does
 * (EXT4_IOC_SHUTDOWN without flushing the journal; a plain `mount -o
 * remount,ro` is refused while the server holds its files open for writing).
 */
export function shutDownExt4(dir: string): void {
  const script = [
    'import fcntl, os, struct, sys',
    'fd = os.open(sys.argv[1], os.O_RDONLY)',
    // EXT4_IOC_SHUTDOWN = _IOR('X', 125, __u32); EXT4_GOING_FLAGS_NOLOGFLUSH = 2
    'fcntl.ioctl(fd, 0x8004587D, struct.pack("I", 2))',
  ].join('\n');
  run('python3', ['-c', script, dir]);
}

/** Fills the file system at `dir` to the last page with `dir/filler`; returns the filler's path. */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) {
          fs.writeSync(fd, chunk);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
          throw error;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}
