/**
 * The legibility pre-check of an enterprise's images: each licence, ID and letter image is decoded
 * (JPG or PNG) and its pixel size measured; an image below its field's minimum, or one that does
 * not decode, fails. What was measured is kept as facts; people read it worded in their language.
 * Pure: the bytes are handed in.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Smallest width and height an image of a field must have (0 × 0: it only has to decode). */
export interface ImageMinimum {
  minWidth: number;
  minHeight: number;
}

/** Fields whose images are checked, with the platform's defaults: the licence and the ID images at least 600 × 400. */
export const DEFAULT_IMAGE_MINIMUMS: Record<string, ImageMinimum> = {
  license: { minWidth: 600, minHeight: 400 },
  handlerIdFront: { minWidth: 600, minHeight: 400 },
  handlerIdBack: { minWidth: 600, minHeight: 400 },
  handlerWithId: { minWidth: 600, minHeight: 400 },
  applicationLetter: { minWidth: 0, minHeight: 0 },
  commitmentLetter: { minWidth: 0, minHeight: 0 },
};

/** Largest image decoded (a 64-megapixel photo); anything larger is refused rather than held in memory. */
export const MAX_DECODED_PIXELS = 64_000_000;

export type ImageMeasure =
  | { field: string; width: number; height: number }
  | { field: string; problem: 'undecodable' | 'too_many_pixels'; width?: number; height?: number };

export interface ImageProblem {
  field: string;
  code: 'too_small' | 'undecodable' | 'too_many_pixels';
  width?: number;
  height?: number;
  minWidth: number;
  minHeight: number;
}

/** What the check found, kept on the enterprise: every image measured, and what failed. */
export interface ImageCheck {
  round: number;
  passed: boolean;
  images: ImageMeasure[];
  problems: ImageProblem[];
}

/** Width and height from a JPEG's start-of-frame marker, without decoding; null when there is none. */
function jpegHeaderSize(buf: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1]!;
    const length = buf.readUInt16BE(i + 2);
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}

/** Decodes one image and measures it; a file that does not decode whole is `undecodable`. */
export function measureImage(field: string, bytes: Buffer, type: string): ImageMeasure {
  try {
    if (type === 'png') {
      const png = PNG.sync.read(bytes);
      return { field, width: png.width, height: png.height };
    }
    const header = jpegHeaderSize(bytes);
    if (header && header.width * header.height > MAX_DECODED_PIXELS) return { field, problem: 'too_many_pixels', ...header };
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: MAX_DECODED_PIXELS / 1_000_000, maxMemoryUsageInMB: 256 });
    return { field, width: decoded.width, height: decoded.height };
  } catch {
    return { field, problem: 'undecodable' };
  }
}

/** Judges the measured images against each field's minimum (fields without one only have to decode). */
export function judgeImages(round: number, images: ImageMeasure[], minimums: Record<string, ImageMinimum>): ImageCheck {
  const problems: ImageProblem[] = [];
  for (const m of images) {
    const min = minimums[m.field] ?? { minWidth: 0, minHeight: 0 };
    if ('problem' in m) problems.push({ field: m.field, code: m.problem, width: m.width, height: m.height, ...min });
    else if (m.width < min.minWidth || m.height < min.minHeight) problems.push({ field: m.field, code: 'too_small', width: m.width, height: m.height, ...min });
  }
  return { round, passed: problems.length === 0, images, problems };
}
