import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kpiRegistry } from '../../domain/kpi/definitions.ts';

describe('the KPI registry', () => {
  it('has unique ids, each labelled in Italian and English', () => {
    expect(new Set(kpiRegistry.map((k) => k.id)).size).toBe(kpiRegistry.length);
    for (const k of kpiRegistry) expect(k.label.it && k.label.en && k.formula, k.id).toBeTruthy();
  });

  it('is what docs/kpi-and-reports.md documents', () => {
    const section = readFileSync(new URL('../../docs/kpi-and-reports.md', import.meta.url), 'utf8');
    expect(section.length).toBeGreaterThan(100);
    for (const k of kpiRegistry) expect(section, k.id).toContain(`\`${k.id}\``);
  });
});
