/**
 * The demo units directory of a Jining centre (济宁市): city departments, the counties and
 * districts of the shipped region list with their streets and towns, and the utilities — and the
 * dispatch catalogue (派单目录) that suggests a lead unit for every shipped category, in every
 * region. Built from the region taxonomy (resources/taxonomy/regions.json), so a region list with
 * other codes still gets a district unit per county and a street unit per street.
 *
 * Local matters (property management, street vendors, noise …) go to the district of the region;
 * everything else to the city department or utility in charge, whatever the region.
 */
import type { DispatchRule, Unit, UnitDirectory } from '../../shared/units';

/** A county of the region list with its streets (a TaxonomyNode of src/shared/domain fits). */
export interface RegionNode {
  code: string;
  name: string;
  children?: readonly RegionNode[];
}

/** code, name, the category codes (or prefixes) it answers anywhere in the city */
const DEPARTMENTS: readonly [string, string, readonly string[]][] = [
  ['ZJJ', '市住房和城乡建设局', ['C0101', 'C0103', 'C0202', 'C0203', 'C0204', 'C0205', 'C0206']],
  ['CGJ', '市城市管理局', ['C0102', 'C0105', 'C0306', 'C0602', 'C0605', 'C0606']],
  ['JTJ', '市交通运输局', ['C0301', 'C0302']],
  ['JJZD', '市公安局交通警察支队', ['C0303', 'C0304', 'C0305', 'C0904']],
  ['GAJ', '市公安局', ['C0901', 'C0902', 'C0903', 'C0905']],
  ['SCJ', '市市场监督管理局', ['C04']],
  ['HBJ', '市生态环境局', ['C0501', 'C0502']],
  ['JYJ', '市教育局', ['C10']],
  ['WJW', '市卫生健康委员会', ['C1101', 'C1103', 'C1105']],
  ['YBJ', '市医疗保障局', ['C1102', 'C1104']],
  ['RSJ', '市人力资源和社会保障局', ['C12']],
  ['MZJ', '市民政局', ['C13']],
  ['NYJ', '市农业农村局', ['C1401', 'C1402', 'C1404', 'C1405']],
  ['SWUJ', '市水务局', ['C1403']],
  ['WLJ', '市文化和旅游局', ['C1501', 'C1503', 'C1504']],
  ['SWJ', '市商务局', ['C1502']],
  // the catch-all: anything no other line names (政策咨询, 其他事项 …)
  ['ZWB', '市政务服务管理办公室', ['', 'C16']],
];

const UTILITIES: readonly [string, string, readonly string[]][] = [
  ['GSJT', '济宁市供水集团', ['C0701']],
  ['GDGS', '国网济宁供电公司', ['C0702', 'C0705']],
  ['RQGS', '济宁港华燃气有限公司', ['C0703']],
  ['RLGS', '济宁热力集团', ['C0704']],
  ['YDGS', '中国移动济宁分公司', ['C0801', 'C0804']],
  ['DXGS', '中国电信济宁分公司', ['C0802']],
  ['LTGS', '中国联通济宁分公司', ['C0803']],
];

/** Local matters: the district of the region leads; the city department answers for regions outside the list. */
const LOCAL_MATTERS: Readonly<Record<string, string>> = {
  C0104: 'NYJ', // 农村建设
  C0201: 'ZJJ', // 物业管理
  C0503: 'HBJ', // 噪音污染
  C0504: 'HBJ', // 油烟污染
  C0505: 'CGJ', // 垃圾处理
  C0601: 'CGJ', // 市容环境
  C0603: 'CGJ', // 流动商贩
  C0604: 'CGJ', // 占道经营
};

/** Short codes of the shipped counties and districts (their account names too). */
const DISTRICT_CODES: Readonly<Record<string, string>> = {
  '370811': 'RC', '370812': 'YZ', '370881': 'QF', '370883': 'ZC', '370826': 'WS', '370827': 'YT', '370828': 'JX',
  '370829': 'JIAX', '370830': 'WSX', '370831': 'SS', '370832': 'LS', '370871': 'GXQ', '370872': 'TBH', '370873': 'JKQ',
};

export const districtCode = (regionCode: string): string => DISTRICT_CODES[regionCode] ?? `D${regionCode}`;
/** A street's unit: its district's code and the last three digits of its region code (RC-001). */
export const streetCode = (countyCode: string, streetRegionCode: string): string =>
  `${districtCode(countyCode)}-${streetRegionCode.slice(-3)}`;

function governmentName(name: string): string {
  return /(新区|高新区|开发区)$/.test(name) ? `${name}管理委员会` : `${name}人民政府`;
}

function streetName(name: string): string {
  return name.endsWith('街道') ? `${name}办事处` : `${name}人民政府`;
}

/** A stable made-up office number per unit (0537 + 7 digits). */
function phoneOf(i: number): string {
  return `0537-${String(2_300_000 + ((i * 7_919) % 900_000)).padStart(7, '0')}`;
}

/** The directory and catalogue for these regions (counties with their streets). */
export function jiningDirectory(regions: readonly RegionNode[]): UnitDirectory {
  const units: Unit[] = [];
  const rules: DispatchRule[] = [];
  const add = (u: Omit<Unit, 'phone' | 'active'>) => units.push({ ...u, phone: phoneOf(units.length + 1), active: true });
  for (const [code, name, categories] of DEPARTMENTS) {
    add({ code, name, kind: 'department', parentCode: null });
    for (const c of categories) rules.push({ categoryCode: c, regionCode: '', unitCode: code });
  }
  for (const [code, name, categories] of UTILITIES) {
    add({ code, name, kind: 'utility', parentCode: null });
    for (const c of categories) rules.push({ categoryCode: c, regionCode: '', unitCode: code });
  }
  for (const [category, department] of Object.entries(LOCAL_MATTERS)) {
    rules.push({ categoryCode: category, regionCode: '', unitCode: department });
  }
  for (const county of regions) {
    const code = districtCode(county.code);
    add({ code, name: governmentName(county.name), kind: 'district', parentCode: null });
    for (const street of county.children ?? []) {
      add({ code: streetCode(county.code, street.code), name: streetName(street.name), kind: 'street', parentCode: code });
    }
    for (const category of Object.keys(LOCAL_MATTERS)) rules.push({ categoryCode: category, regionCode: county.code, unitCode: code });
  }
  return { units, rules };
}

/** Username of a unit's account: its code in lower case (RC → rc, RC-001 → rc-001). */
export const unitUsername = (unitCode: string): string => unitCode.toLowerCase();

/** Street region code → its street unit's code (the sub-unit a district passes an order on to). */
export function streetUnitsByRegion(regions: readonly RegionNode[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const county of regions) for (const street of county.children ?? []) map.set(street.code, streetCode(county.code, street.code));
  return map;
}
