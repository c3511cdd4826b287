/**
 * The seed's pure halves: the Jining directory and catalogue cover every shipped category in
 * every shipped region, and the order simulator is deterministic for its random stream and never
 * writes a step after `now`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY_DIR } from '../../../src/main/seed/generate';
import { CaseModel } from '../../../src/main/seed/model';
import { Rng } from '../../../src/main/seed/random';
import { readTaxonomyFiles } from '../../../src/main/store/taxonomy-file';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { jiningDirectory, streetUnitsByRegion, unitUsername } from '../../../src/server/seed/directory';
import { OrderSimulator, type SimulatedOrder } from '../../../src/server/seed/lifecycle';
import { actionContext } from '../../../src/server/workorders/service';
import type { TaxonomyNode } from '../../../src/shared/domain';
import { Username } from '../../../src/shared/sync';
import { suggestUnit } from '../../../src/shared/units';

const { categories, regions } = readTaxonomyFiles(DEFAULT_TAXONOMY_DIR);
const dir = jiningDirectory(regions);
const leaves = (nodes: TaxonomyNode[]): string[] => nodes.flatMap((n) => (n.children?.length ? leaves(n.children) : [n.code]));
const NOW = Date.parse('2026-11-20T06:30:00Z');

describe('the Jining demo directory', () => {
  it('has unique codes, parents that exist, a district per county and a street unit per street, valid account names', () => {
    const codes = new Set(dir.units.map((u) => u.code));
    expect(codes.size).toBe(dir.units.length);
    for (const u of dir.units) {
      if (u.parentCode !== null) expect(codes).toContain(u.parentCode);
      expect(Username.safeParse(unitUsername(u.code)).success, u.code).toBe(true);
    }
    expect(dir.units.filter((u) => u.kind === 'district')).toHaveLength(regions.length);
    const streets = streetUnitsByRegion(regions);
    expect(dir.units.filter((u) => u.kind === 'street')).toHaveLength(streets.size);
    for (const kind of ['department', 'utility'] as const) expect(dir.units.some((u) => u.kind === kind)).toBe(true);
  });

  it('suggests an active unit for every shipped category in every region, local matters to the region’s district', () => {
    const byCode = new Map(dir.units.map((u) => [u.code, u]));
    for (const county of regions) {
      for (const street of county.children ?? []) {
        for (const category of leaves(categories)) {
          const unit = suggestUnit(dir.rules, category, street.code);
          expect(unit && byCode.get(unit)?.active, `${category} × ${street.code}`).toBe(true);
        }
        const local = byCode.get(suggestUnit(dir.rules, 'C0201', street.code)!)!;
        expect(local.kind).toBe('district');
        expect(streetUnitsByRegion(regions).get(street.code)!.startsWith(`${local.code}-`)).toBe(true);
      }
    }
    expect(byCode.get(suggestUnit(dir.rules, 'C0704', '370811001')!)!.name).toBe('济宁热力集团');
  });
});

describe('the order simulator', () => {
  const orders = (seed: number): SimulatedOrder[] => {
    const units = new Map(dir.units.map((u) => [u.code, { id: u.code, name: u.name, parentId: u.parentCode, active: u.active }]));
    const sim = new OrderSimulator({
      now: NOW,
      context: actionContext(DEFAULT_CONFIG.workOrders, NOW, units),
      units: dir.units,
      rules: dir.rules,
      streets: streetUnitsByRegion(regions),
      supervisors: ['sup01', 'sup02'],
      rng: new Rng(seed),
    });
    const model = new CaseModel({ total: 6_000, now: NOW, workstation: 'W001', categories, regions, rng: new Rng(1) });
    return [...model.cases()].filter((c) => c.handlingMode === 'dispatch').map((c) => sim.simulate({ id: c.uuid, ...c }));
  };

  it('is deterministic for its seed, and differs for another', () => {
    const a = orders(5);
    expect(orders(5)).toEqual(a);
    expect(orders(6)).not.toEqual(a);
  });

  it('writes consecutive entries, none after now, ending in the snapshot’s state', () => {
    for (const o of orders(5)) {
      o.history.forEach((e, i) => {
        expect(e.seq).toBe(i + 1);
        expect(e.at).toBeLessThanOrEqual(NOW);
        if (i > 0) expect(e.at).toBeGreaterThanOrEqual(o.history[i - 1]!.at);
      });
      expect(o.order.version).toBe(o.history.length);
      expect(o.order.state).toBe(o.history.at(-1)?.toState ?? 'pending_dispatch');
    }
  });

  it('follows up: mostly 办结, some 重办 (unsatisfied, back to the same unit, answered again, then satisfied), a few 无法回访, and recent ones waiting in 待回访 at now', () => {
    const all = orders(5);
    const results = new Map<string, number>();
    for (const o of all) {
      for (const e of o.history) if (e.action === 'follow_up') results.set(String(e.details.result), (results.get(String(e.details.result)) ?? 0) + 1);
    }
    expect(results.get('closed') ?? 0).toBeGreaterThan(100);
    expect(results.get('rehandle') ?? 0).toBeGreaterThan(0);
    const rehandled = all.filter((o) => o.history.some((e) => e.details.result === 'rehandle'));
    expect(rehandled.length).toBeGreaterThan(0);
    for (const o of rehandled) {
      const i = o.history.findIndex((e) => e.details.result === 'rehandle');
      // the same unit signs and answers again after 重办 (unless now came first)
      if (o.history[i + 1]) expect(o.history[i + 1]).toMatchObject({ action: 'sign', actor: { unitId: o.history[i]!.details.unitId } });
      expect(o.order.rehandleCount).toBe(1);
    }
    // 无法回访: never reached; those whose attempts all lie before now end closed as unreachable
    const unreached = all.filter((o) => o.history.some((e) => e.note === '无人接听'));
    expect(unreached.length).toBeGreaterThan(0);
    for (const o of unreached) {
      const tries = o.history.filter((e) => e.action === 'follow_up');
      if (tries.length === 3) expect(o.order.state).toBe('closed');
      expect(tries.map((e) => e.details.result)).toEqual(['retry', 'retry', 'unreachable'].slice(0, tries.length));
    }
    expect(all.filter((o) => o.order.state === 'pending_follow_up').length).toBeGreaterThan(0);
  });
});
