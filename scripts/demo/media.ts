import ExcelJS from 'exceljs';
import jpeg from 'jpeg-js';

/**
 * Files the demo tenant uploads, made on the spot so the repository holds no binaries: photos
 * as real JPEGs, recordings as real WAVs, a number list as a real workbook.
 */

/** A JPEG (640×420 unless told: legible by the pre-check's defaults), a card-like panel on a tinted background, different per hue. */
export function demoPhoto(hue: number, size: { width: number; height: number } = { width: 640, height: 420 }): Buffer {
  const { width, height } = size;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const card = x > width / 13 && x < width - width / 13 && y > height / 8 && y < height - height / 8;
      const line = card && y % 24 < 3 && x > width * 0.375 && x < width - width * 0.15;
      const shade = card ? (line ? 90 : 235) : 140 + ((x + y) % 40);
      data[i] = Math.min(255, shade + (hue % 60));
      data[i + 1] = Math.min(255, shade + ((hue * 3) % 50));
      data[i + 2] = Math.min(255, shade + ((hue * 7) % 70));
      data[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 80).data);
}

/** A PCM WAV of a soft two-tone chime. */
export function demoRecording(opts: { sampleRate: number; channels: number; seconds: number }): Buffer {
  const { sampleRate, channels, seconds } = opts;
  const frames = Math.round(sampleRate * seconds);
  const blockAlign = channels * 2;
  const data = Buffer.alloc(frames * blockAlign);
  for (let f = 0; f < frames; f++) {
    const t = f / sampleRate;
    const tone = t % 1 < 0.5 ? 660 : 880;
    const envelope = Math.min(1, (t % 0.5) * 20) * Math.max(0, 1 - (t % 0.5) * 2);
    const v = Math.round(Math.sin(2 * Math.PI * tone * t) * envelope * 12000);
    for (let c = 0; c < channels; c++) data.writeInt16LE(v, f * blockAlign + c * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A workbook whose first column lists numbers under a header, as tenants export them. */
export async function demoNumberList(numbers: string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('号码');
  sheet.addRow(['号码', '备注']);
  for (const n of numbers) sheet.addRow([n, '到期退订']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
