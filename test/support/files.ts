import { deflateRawSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A real JPEG photo-like image (a gradient with a stripe), optionally padded past a size limit. */
export function jpgFile(opts: { width?: number; height?: number; padTo?: number; hue?: number } = {}): Buffer {
  const width = opts.width ?? 96;
  const height = opts.height ?? 64;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = opts.hue ?? 180;
      data[i + 3] = 255;
    }
  }
  const encoded = jpeg.encode({ data, width, height }, 85).data;
  // Bytes after the end-of-image marker are ignored by decoders: a large but valid JPEG.
  return opts.padTo && opts.padTo > encoded.length ? Buffer.concat([encoded, Buffer.alloc(opts.padTo - encoded.length)]) : encoded;
}

export function pngFile(width = 32, height = 32): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = 200;
    png.data[i + 1] = 80;
    png.data[i + 2] = (i / 4) % 255;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** A zip archive with the given entries (deflated), built by the book: local headers, central directory, end record. */
export function zipFile(entries: Record<string, Buffer | string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** The RAR 5 signature and a little more: enough to be a RAR by its content. */
export function rarFile(): Buffer {
  return Buffer.concat([Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]), Buffer.alloc(64, 1)]);
}

export const textFile = (text = 'not an image, just text\n') => Buffer.from(text);

/** A multipart body: text fields and files, each file with the name the tenant gives it. */
export function form(fields: Record<string, string>, files: Record<string, { name: string; content: Buffer; type?: string }> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, file] of Object.entries(files)) f.append(k, new Blob([new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }), file.name);
  return f;
}
