/**
 * A full disk without a full disk: the chosen files share a disk of `capacity` bytes. Writes
 * through `fs.writeSync` (text outputs) and appending `fs.writeFileSync` (the Parquet file
 * writer) fill it; a write that does not fit writes what fits and fails with ENOSPC, as a real
 * full file system does, and truncating a file frees its space again. Call the returned function
 * to restore fs.
 */
import fs from 'node:fs';
import { vi } from 'vitest';

export function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    errno: -28,
    code: 'ENOSPC',
    syscall: 'write',
  });
}

export function fullDiskAfter(capacity: number, which: (path: string) => boolean): () => void {
  const realOpen = fs.openSync;
  const realWrite = fs.writeSync;
  const realWriteFile = fs.writeFileSync;
  const fds = new Set<number>();
  const paths = new Set<string>();
  const used = () => {
    let total = 0;
    for (const p of paths) {
      try {
        total += fs.statSync(p).size;
      } catch {
        // Removed or renamed: no longer on this disk.
      }
    }
    return total;
  };
  const room = (n: number) => Math.max(0, Math.min(n, capacity - used()));
  const open = vi.spyOn(fs, 'openSync').mockImplementation(((path: fs.PathLike, ...rest: unknown[]) => {
    const fd = (realOpen as (...a: unknown[]) => number)(path, ...rest);
    if (typeof path === 'string' && which(path)) {
      fds.add(fd);
      paths.add(path);
    }
    return fd;
  }) as typeof fs.openSync);
  const write = vi.spyOn(fs, 'writeSync').mockImplementation(((
    fd: number,
    buf: unknown,
    ...rest: unknown[]
  ) => {
    if (!fds.has(fd) || typeof buf === 'string')
      return (realWrite as (...a: unknown[]) => number)(fd, buf, ...rest);
    const [offset, length] = rest as [number, number];
    const n = room(length);
    if (n === 0) throw enospc();
    return realWrite(fd, buf as Uint8Array, offset, n);
  }) as typeof fs.writeSync);
  const writeFile = vi.spyOn(fs, 'writeFileSync').mockImplementation(((
    path: fs.PathOrFileDescriptor,
    data: string | NodeJS.ArrayBufferView,
    options?: fs.WriteFileOptions,
  ) => {
    if (typeof path !== 'string' || !which(path) || typeof data === 'string')
      return realWriteFile(path, data, options);
    paths.add(path);
    const flag = typeof options === 'object' && options !== null ? options.flag : undefined;
    if (flag !== 'a') realWriteFile(path, new Uint8Array(0), options);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const n = room(bytes.length);
    if (n > 0)
      realWriteFile(path, bytes.subarray(0, n), {
        ...(typeof options === 'object' ? options : {}),
        flag: 'a',
      });
    if (n < bytes.length) throw enospc();
  }) as typeof fs.writeFileSync);
  return () => {
    open.mockRestore();
    write.mockRestore();
    writeFile.mockRestore();
  };
}
