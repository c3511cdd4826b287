/**
 * Options for the searchable pickers (诉求类型, 问题分类, 所属区域, 来源渠道) and how typed text
 * finds them. Operators type either Chinese text or pinyin initials ("wy" → 物业管理); the best
 * match comes first so that Enter picks it.
 */
import type { TaxonomyNode } from '../../../shared/domain';

export interface PickOption {
  value: string;
  /** what the operator sees and what assistive tech reads: the full path for tree entries */
  label: string;
  name: string;
  initials: string;
  /** every ancestor's name and the entry's, for matching on a parent ("住房" finds its leaves) */
  pathText: string;
  pathInitials: string;
}

/**
 * Tree entries an operator may pick. `leaves`: only the finest level (问题分类 is always filed
 * at its leaf); `all`: every level (a caller may know only the district, 所属区域).
 */
export function flattenTaxonomy(nodes: TaxonomyNode[], selectable: 'leaves' | 'all'): PickOption[] {
  const out: PickOption[] = [];
  const walk = (list: TaxonomyNode[], names: string[], initials: string[]) => {
    for (const node of list) {
      const path = node.path.length > 0 ? node.path : [...names, node.name];
      const pathInitials = [...initials, node.initials.toLowerCase()];
      const hasChildren = (node.children?.length ?? 0) > 0;
      if (selectable === 'all' || !hasChildren) {
        out.push({
          value: node.code,
          label: path.join(' / '),
          name: node.name,
          initials: node.initials.toLowerCase(),
          pathText: path.join(''),
          pathInitials: pathInitials.join(''),
        });
      }
      if (hasChildren) walk(node.children ?? [], path, pathInitials);
    }
  };
  walk(nodes, [], []);
  return out;
}

/** Options for an enumeration whose labels come from the i18n tables. */
export function enumOptions<K extends string>(
  codes: readonly K[],
  labels: Record<K, string>,
  initials: Partial<Record<K, string>> = {},
): PickOption[] {
  return codes.map((code) => ({
    value: code,
    label: labels[code],
    name: labels[code],
    initials: initials[code] ?? '',
    pathText: labels[code],
    pathInitials: initials[code] ?? '',
  }));
}

const normaliseQuery = (q: string) => q.replace(/\s+/g, '').toLowerCase();

/**
 * Lower is better; -1 means no match. 0: the entry's own name or initials start with the query,
 * 1: they contain it, 2: only the path (a parent) matches.
 */
export function matchRank(option: PickOption, rawQuery: string): number {
  const q = normaliseQuery(rawQuery);
  if (q === '') return 0;
  const name = option.name.toLowerCase();
  if (name.startsWith(q) || option.initials.startsWith(q)) return 0;
  if (name.includes(q) || option.initials.includes(q)) return 1;
  if (option.pathText.toLowerCase().includes(q) || option.pathInitials.includes(q)) return 2;
  return -1;
}

/** Pinyin initials of the enumeration labels in Chinese, so 投诉 is found by "ts" too. */
export const ENUM_INITIALS: Record<string, string> = {
  consult: 'zx',
  help: 'qz',
  complaint: 'ts',
  report: 'jb',
  suggestion: 'jy',
  praise: 'by',
  other: 'qt',
  hotline: 'rxdh',
  mayor_mailbox: 'szxx',
  website: 'wz',
  wechat: 'wx',
  sms: 'dx',
  letter: 'lx',
  visit: 'lf',
  leader_session: 'ldjt',
  province_platform: 'sptzp',
  police_110: '110ld',
};
