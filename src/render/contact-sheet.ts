/**
 * The labelled contact sheet of a sweep: one row per sweep value, one column per seed, each cell
 * the first image of its job under a text label. Drawn with jimp and its bundled bitmap font
 * (Open Sans 16), not by hand.
 */
import { createRequire } from 'node:module';
import { Jimp, loadFont } from 'jimp';

/**
 * jimp/fonts names its .fnt files relative to its own module file. The CLI runs as an esbuild
 * bundle (scripts/bundle.mjs), where a statically imported jimp/fonts would name
 * dist/fonts/…, which does not exist; loaded through Node's require it stays in node_modules.
 */
function fontFile(): string {
  const fonts = createRequire(import.meta.url)('jimp/fonts') as typeof import('jimp/fonts');
  return fonts.SANS_16_BLACK;
}

export interface SheetCell {
  image: Buffer;
  label: string;
}

export interface ContactSheetOptions {
  /** Width of each cell in pixels (images are scaled to fit; default 256). */
  cellWidth?: number;
  title?: string;
}

const LABEL_HEIGHT = 24;
const GAP = 8;

/** `rows[r][c]`; missing cells (failed jobs) stay blank. */
export async function contactSheet(rows: Array<Array<SheetCell | undefined>>, options: ContactSheetOptions = {}): Promise<Buffer> {
  const cellWidth = options.cellWidth ?? 256;
  const font = await loadFont(fontFile());
  const decoded = await Promise.all(rows.map((row) => Promise.all(row.map(async (cell) => (cell ? { cell, image: await Jimp.read(cell.image) } : undefined)))));
  let cellHeight = cellWidth;
  for (const row of decoded)
    for (const entry of row) if (entry) cellHeight = Math.max(1, Math.round((entry.image.height * cellWidth) / entry.image.width));
  const columns = Math.max(1, ...rows.map((row) => row.length));
  const titleHeight = options.title ? LABEL_HEIGHT + GAP : 0;
  const width = GAP + columns * (cellWidth + GAP);
  const height = titleHeight + GAP + rows.length * (LABEL_HEIGHT + cellHeight + GAP);
  const sheet = new Jimp({ width, height, color: 0xffffffff });
  if (options.title) sheet.print({ font, x: GAP, y: GAP, text: options.title });
  decoded.forEach((row, r) => {
    row.forEach((entry, c) => {
      if (!entry) return;
      const x = GAP + c * (cellWidth + GAP);
      const y = titleHeight + GAP + r * (LABEL_HEIGHT + cellHeight + GAP);
      sheet.print({ font, x, y: y + 2, text: entry.cell.label, maxWidth: cellWidth });
      const image = entry.image.clone().resize({ w: cellWidth, h: cellHeight });
      sheet.composite(image, x, y + LABEL_HEIGHT);
    });
  });
  return sheet.getBuffer('image/png');
}
