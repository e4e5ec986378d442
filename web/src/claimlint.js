// The hand-kept binding to claimlint.wasm (crates/claimlint-wasm).
//
// The module exports plain functions: the page asks for room for its input
// (claimlint_input), writes UTF-8 there, calls a function, and reads the
// answer from the output buffer. Each function returns a status; on an error
// the output holds the message. Offsets in answers are UTF-8 byte offsets
// into the draft, as in the JSON report; `Utf8Index` turns them into the
// UTF-16 indices a JavaScript string and a <textarea> use.

const OK = 0;
const ERR_DRAFT = 1;
const ERR_RULES = 3;

export const FORMATS = Object.freeze({ md: 0, txt: 1, html: 2, mdx: 3 });

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A draft claimlint would not lint (too large, binary): `message` says why. */
export class DraftError extends Error {}

/** Compiles claimlint.wasm from `source`: a URL, a Response, or bytes. */
export async function compileModule(source) {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.compile(source);
  }
  const response = source instanceof Response ? source : await fetch(source);
  if (!response.ok) {
    throw new Error(`could not load ${response.url}: HTTP ${response.status}`);
  }
  // Streaming compilation needs the server to say application/wasm; a host
  // that does not still gets a working page.
  if (WebAssembly.compileStreaming &&
      (response.headers.get('content-type') || '').startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

export class Claimlint {
  /** Instantiates `module` and compiles the rules (once). */
  static async create(module) {
    const instance = await WebAssembly.instantiate(module, {});
    return new Claimlint(module, instance);
  }

  constructor(module, instance) {
    this.module = module;
    this.exports = instance.exports;
    this.disabled = [];
    const catalog = this.#call(() => this.exports.claimlint_init());
    /** {version, max_draft_bytes, categories, rules: [{id, category, severity, summary}]} */
    this.catalog = JSON.parse(catalog);
  }

  /** Switches off these categories (all others on). */
  setDisabled(categories) {
    this.disabled = [...categories];
    this.#write(encoder.encode(this.disabled.join(',')));
    this.#call(() => this.exports.claimlint_set_disabled());
  }

  /**
   * Lints `text` as `format` ('md', 'txt', 'html', 'mdx'). Returns
   * {report: the JSON document of `claimlint --format json` (a string),
   *  findings: [...], counts: {errors, warnings, infos}, bytes}.
   * Throws DraftError for a draft that is not linted.
   */
  lint(text, format) {
    const bytes = this.#draft(text);
    const answer = JSON.parse(this.#call(() => this.exports.claimlint_lint(FORMATS[format])));
    answer.report = this.#read(this.exports.claimlint_report_ptr(), this.exports.claimlint_report_len());
    answer.bytes = bytes.length;
    return answer;
  }

  /** `text` with the fix of the finding at bytes start..end applied. */
  fix(text, format, start, end) {
    this.#draft(text);
    return this.#call(() => this.exports.claimlint_fix(FORMATS[format], start, end));
  }

  /** `text` with every fix applied (in passes, as `claimlint --fix`). */
  fixAll(text, format) {
    this.#draft(text);
    return this.#call(() => this.exports.claimlint_fix_all(FORMATS[format]));
  }

  /** What `claimlint explain ID` prints. */
  explain(id) {
    this.#write(encoder.encode(id));
    return this.#call(() => this.exports.claimlint_explain());
  }

  /** Checks the draft's size before encoding it, then copies it in. */
  #draft(text) {
    const max = this.catalog.max_draft_bytes;
    // A UTF-16 code unit is at least one UTF-8 byte: a string longer than
    // the limit is over it, and is refused before it is encoded.
    if (text.length > max) {
      throw new DraftError(tooLargeMessage(text.length, max));
    }
    const bytes = encoder.encode(text);
    this.#write(bytes);
    return bytes;
  }

  #write(bytes) {
    const ptr = this.exports.claimlint_input(bytes.length) >>> 0;
    new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
  }

  #read(ptr, len) {
    return decoder.decode(new Uint8Array(this.exports.memory.buffer, ptr >>> 0, len >>> 0));
  }

  #call(f) {
    let status;
    try {
      status = f();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        const len = this.exports.claimlint_panic_len();
        const why = len ? this.#read(this.exports.claimlint_panic_ptr(), len) : e.message;
        const error = new Error(`claimlint stopped: ${why}`);
        error.trapped = true;
        throw error;
      }
      throw e;
    }
    const out = this.#read(this.exports.claimlint_output_ptr(), this.exports.claimlint_output_len());
    if (status === OK) return out;
    if (status === ERR_DRAFT) throw new DraftError(out);
    if (status === ERR_RULES) throw new Error(`the rules did not compile:\n${out}`);
    throw new Error(out);
  }
}

/** The message for a draft of `size` (bytes or more) over `max` bytes. */
export function tooLargeMessage(size, max) {
  return `This text is ${Math.ceil(size / 1024)} KB or more; the playground lints drafts up to ` +
    `${max / 1024} KB. Lint a file this large with the claimlint command instead.`;
}

/**
 * Maps UTF-8 byte offsets of a string (as TextEncoder encodes it: a lone
 * surrogate becomes U+FFFD, three bytes) to UTF-16 indices, and back.
 */
export class Utf8Index {
  constructor(text) {
    this.text = text;
  }

  /** UTF-16 index of each byte offset in `offsets` (a Map). */
  toUtf16(offsets) {
    const wanted = [...new Set(offsets)].sort((a, b) => a - b);
    const out = new Map();
    const text = this.text;
    let byte = 0;
    let i = 0;
    let w = 0;
    while (w < wanted.length) {
      if (wanted[w] <= byte || i >= text.length) {
        out.set(wanted[w], i);
        w++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        byte += 1; i += 1;
      } else if (c < 0x800) {
        byte += 2; i += 1;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length &&
                 text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
        byte += 4; i += 2;
      } else {
        byte += 3; i += 1;
      }
    }
    return out;
  }

  /** UTF-8 byte offset of UTF-16 index `index`. */
  toUtf8(index) {
    return encoder.encode(this.text.slice(0, index)).length;
  }
}
