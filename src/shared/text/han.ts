/**
 * Han characters and the bigrams the search index cuts Chinese into (src/main/store/fts.ts builds
 * its FTS tokens on these; the server's report counts frequent content words with them).
 */

/**
 * Han characters: the CJK unified ideographs (basic block, extension A, compatibility forms,
 * and extensions B–H in planes 2–3), plus 〇 and 々, which read as ideographs. Code units, so
 * the hot loop needs no regular expression.
 */
export function isHan(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || c === 0x3007 || c === 0x3005
  );
}

/** The overlapping bigrams of the basic-plane Han runs of `text` ("物业管理" → 物业 业管 管理). */
export function hanBigrams(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    if (isHan(text.charCodeAt(i)) && isHan(text.charCodeAt(i + 1))) out.push(text.slice(i, i + 2));
  }
  return out;
}
