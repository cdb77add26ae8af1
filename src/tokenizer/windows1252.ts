/** The Windows-1252 code page as ftfy and CPython's html module read it. */

/**
 * Windows-1252 (WHATWG index) for one byte; 0x81, 0x8D, 0x8F, 0x90 and 0x9D stay C1 controls, as in
 * ftfy's "sloppy" codec. (Node's TextDecoder('windows-1252') cannot be relied on here: it drops 0x80.)
 */
export function windows1252Char(byte: number): string {
  if (byte < 0x80 || byte > 0x9f) return String.fromCharCode(byte);
  return WINDOWS_1252_C1[byte - 0x80]!;
}

const WINDOWS_1252_C1 = [
  '\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
  '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
  '\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
  '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178',
];
