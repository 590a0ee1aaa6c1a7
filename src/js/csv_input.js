// The inputs of parseUsedVoucherCodesCsv, for src/js/csv.rs: any accepted input becomes a
// source of chunks that are genuine strings or Uint8Arrays of at most `chunkSize` units.
//
// Nothing here throws into wasm: `csvSource` is imported with `catch` and reports a bad input
// by throwing a plain `{ message }`; `next()` never throws, its promise rejects with one. The
// caller's objects (getters, Proxies, detached buffers, a stream that errors) are read here,
// inside try/catch.

/** A piece of a string input is cut so that no surrogate pair is split. */
const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;

/** The intrinsic getters, so an own property on the caller's object cannot lie to us. */
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype);
const taBuffer = /** @type {() => ArrayBufferLike} */ (Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'buffer')?.get);
const taOffset = /** @type {() => number} */ (Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'byteOffset')?.get);
const taLength = /** @type {() => number} */ (Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'byteLength')?.get);
const abLength = /** @type {() => number} */ (Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get);

/**
 * @param {unknown} e
 * @returns {string}
 */
function message(e) {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an exception';
  }
}

/**
 * @param {string} text
 * @returns {{ message: string }}
 */
function bad(text) {
  return { message: text };
}

/**
 * Our own view of a genuine Uint8Array or ArrayBuffer, or null for anything else.
 * @param {unknown} v
 * @returns {Uint8Array | null}
 */
function bytesOf(v) {
  if (ArrayBuffer.isView(v) && v instanceof Uint8Array) {
    const buffer = taBuffer.call(v);
    // A view of a detached buffer reads as empty; refuse it instead of parsing nothing.
    if (isDetached(buffer)) throw bad('the input Uint8Array\'s buffer is detached');
    return new Uint8Array(buffer, taOffset.call(v), taLength.call(v));
  }
  let length;
  try {
    length = abLength.call(v);
  } catch {
    return null; // not a genuine ArrayBuffer
  }
  if (length === 0 && isDetached(/** @type {ArrayBuffer} */ (v))) throw bad('the input ArrayBuffer is detached');
  return new Uint8Array(/** @type {ArrayBuffer} */ (v));
}

/**
 * @param {ArrayBufferLike} buffer
 * @returns {boolean}
 */
function isDetached(buffer) {
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * The end of the piece of `s` that starts at `at`: at most `size` units, not splitting a
 * surrogate pair.
 * @param {string} s
 * @param {number} at
 * @param {number} size
 * @returns {number}
 */
function cut(s, at, size) {
  let end = Math.min(at + size, s.length);
  if (end < s.length) {
    const c = s.charCodeAt(end - 1);
    if (c >= HIGH_SURROGATE_FIRST && c <= HIGH_SURROGATE_LAST && end - 1 > at) end -= 1;
  }
  return end;
}

/**
 * A source of chunks for one whole-input parse.
 * @param {unknown} input string | Uint8Array | ArrayBuffer | Blob | ReadableStream
 * @param {number} chunkSize the largest chunk handed out (UTF-16 units or bytes)
 * @returns {{ total: number | null, next: () => Promise<string | Uint8Array | null>, cancel: () => void }}
 */
export function csvSource(input, chunkSize) {
  try {
    return open(input, Math.max(2, chunkSize));
  } catch (e) {
    if (e !== null && typeof e === 'object' && 'message' in e && !(e instanceof Error)) throw e;
    throw bad(`the input could not be read: ${message(e)}`);
  }
}

/**
 * @param {unknown} input
 * @param {number} size
 * @returns {{ total: number | null, next: () => Promise<string | Uint8Array | null>, cancel: () => void }}
 */
function open(input, size) {
  if (typeof input === 'string') {
    let at = 0;
    return {
      total: null,
      next: async () => {
        if (at >= input.length) return null;
        const end = cut(input, at, size);
        const piece = input.slice(at, end);
        at = end;
        return piece;
      },
      cancel: () => {},
    };
  }
  const bytes = bytesOf(input);
  if (bytes) {
    let at = 0;
    const total = bytes.byteLength;
    return {
      total,
      next: async () => {
        if (at >= total) return null;
        const end = Math.min(at + size, total);
        let piece;
        try {
          piece = bytes.subarray(at, end);
        } catch (e) {
          throw bad(`the input buffer was detached during the parse (${message(e)})`);
        }
        if (piece.byteLength !== end - at) throw bad('the input buffer was detached or resized during the parse');
        at = end;
        return piece;
      },
      cancel: () => {},
    };
  }
  if (input === null || typeof input !== 'object') {
    throw bad('input must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream');
  }
  /** @type {number | null} */
  let total = null;
  /** @type {ReadableStream} */
  let stream;
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    total = input.size;
    stream = input.stream();
  } else if (typeof (/** @type {any} */ (input).getReader) === 'function') {
    stream = /** @type {ReadableStream} */ (input);
  } else {
    throw bad('input must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream');
  }
  let reader;
  try {
    reader = stream.getReader();
  } catch (e) {
    throw bad(`the stream is locked or not readable (${message(e)})`);
  }
  /** @type {string | Uint8Array | null} the rest of a stream chunk larger than `size` */
  let rest = null;
  /**
   * Hands out `chunk`, keeping what is past `size` for the next call.
   * @param {string | Uint8Array} chunk
   * @returns {string | Uint8Array}
   */
  const split = (chunk) => {
    const len = typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    if (len <= size) return chunk;
    const end = typeof chunk === 'string' ? cut(chunk, 0, size) : size;
    rest = chunk.slice(end);
    return chunk.slice(0, end);
  };
  return {
    total,
    next: async () => {
      if (rest !== null) {
        const r = rest;
        rest = null;
        return split(r);
      }
      for (;;) {
        let step;
        try {
          step = await reader.read();
        } catch (e) {
          throw bad(`reading the input failed: ${message(e)}`);
        }
        let done;
        let value;
        try {
          done = step.done;
          value = step.value;
        } catch (e) {
          throw bad(`reading the input failed: ${message(e)}`);
        }
        if (done) return null;
        if (typeof value === 'string') {
          if (value.length > 0) return split(value);
          continue;
        }
        let chunk;
        try {
          chunk = bytesOf(value);
        } catch (e) {
          throw bad(`a chunk of the input could not be read: ${message(e)}`);
        }
        if (!chunk) throw bad('the stream gave a chunk that is not a Uint8Array, an ArrayBuffer or a string');
        if (chunk.byteLength > 0) return split(chunk);
      }
    },
    cancel: () => {
      try {
        reader.cancel().catch(() => {});
      } catch {
        // Nothing to do: the parse is over either way.
      }
    },
  };
}

/**
 * Gives the event loop a turn (a macrotask, so timers run and a page can repaint).
 * @returns {Promise<void>}
 */
export function pause() {
  /** @type {((f: () => void) => void) | undefined} Node's, where there is one */
  const immediate = /** @type {any} */ (globalThis).setImmediate;
  return new Promise((resolve) => {
    if (typeof immediate === 'function') {
      immediate(() => resolve());
    } else if (typeof MessageChannel === 'function') {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
