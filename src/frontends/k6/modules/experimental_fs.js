// k6/experimental/fs: open() a file in the init context, then read(), seek() and stat() it from
// each VU. The bytes are read once for the whole run (squall/fs); each VU's File has its own offset.
import { stat as statFile, readAt } from 'squall/fs';

export const SeekMode = Object.freeze({ Start: 0, Current: 1, End: 2 });

export const FsErrorKind = Object.freeze({
  NotFound: 1,
  InvalidResource: 2,
  ForbiddenInInitContext: 3,
  TypeError: 4,
  EOFError: 5,
});

class FsError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'FsError';
    this.kind = kind;
  }
}

class File {
  #offset = 0;
  #name;
  #size;

  constructor(path, name, size) {
    this.path = path;
    this.#name = name;
    this.#size = size;
  }

  async stat() {
    return { name: this.#name, size: this.#size };
  }

  // Reads into `buffer` from the current offset: the number of bytes read, or null at the end.
  async read(buffer) {
    if (!(buffer instanceof Uint8Array)) throw new FsError(FsErrorKind.TypeError, 'read() needs a Uint8Array');
    if (this.#offset >= this.#size) return null;
    const n = readAt(this.path, this.#offset, buffer);
    this.#offset += n;
    return n;
  }

  async seek(offset, whence = SeekMode.Start) {
    if (!Number.isInteger(offset)) throw new FsError(FsErrorKind.TypeError, 'seek() needs an integer offset');
    const base = whence === SeekMode.Start ? 0 : whence === SeekMode.Current ? this.#offset
      : whence === SeekMode.End ? this.#size : NaN;
    if (Number.isNaN(base)) throw new FsError(FsErrorKind.TypeError, `invalid whence ${whence} (SeekMode)`);
    if (base + offset < 0) throw new FsError(FsErrorKind.TypeError, 'seek() before the start of the file');
    this.#offset = base + offset;
    return this.#offset;
  }
}

export async function open(path) {
  if (typeof path !== 'string' || path === '') throw new FsError(FsErrorKind.TypeError, 'open() needs a path');
  let info;
  try {
    info = statFile(path);
  } catch (e) {
    throw new FsError(e.message.includes('init context') ? FsErrorKind.ForbiddenInInitContext
      : e.message.includes('directory') ? FsErrorKind.InvalidResource : FsErrorKind.NotFound, e.message);
  }
  return new File(info.path, info.name, info.size);
}
