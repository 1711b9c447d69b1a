import { describe, expect, it } from 'vitest';
import { abandonedCallbackWorkflowId } from '../../services/callback-workflow-id.ts';

const key = Buffer.alloc(32, 7);
const at = Date.parse('2026-12-06T10:00:00Z');

describe("the abandoned caller's callback workflow id", () => {
  it('is the same for the same caller, line and day (the dedupe), and holds no digit of the number', () => {
    const id = abandonedCallbackWorkflowId(key, 'mi-020202', '+393351112221', at);
    expect(id).toMatch(/^callback-mi-020202-2026-12-06-[a-p]{32}$/);
    expect(abandonedCallbackWorkflowId(key, 'mi-020202', '+393351112221', at + 5 * 3_600_000)).toBe(id);
    // The PBX's separators do not make another caller.
    expect(abandonedCallbackWorkflowId(key, 'mi-020202', '+39 335 111-2221', at)).toBe(id);
    expect(id.slice('callback-mi-020202-2026-12-06-'.length)).not.toMatch(/\d/);
  });

  it('differs for another caller, line, day (in Rome) or key', () => {
    const id = abandonedCallbackWorkflowId(key, 'mi-020202', '+393351112221', at);
    expect(abandonedCallbackWorkflowId(key, 'mi-020202', '+393351112222', at)).not.toBe(id);
    expect(abandonedCallbackWorkflowId(key, 'fi-055055', '+393351112221', at)).not.toBe(id);
    expect(abandonedCallbackWorkflowId(Buffer.alloc(32, 8), 'mi-020202', '+393351112221', at)).not.toBe(id);
    // 23:30 UTC is already the next day in Rome: another day, another pseudonym (unlinkable to the first).
    const late = abandonedCallbackWorkflowId(key, 'mi-020202', '+393351112221', Date.parse('2026-12-06T23:30:00Z'));
    expect(late).toMatch(/^callback-mi-020202-2026-12-07-[a-p]{32}$/);
    expect(late.slice(-32)).not.toBe(id.slice(-32));
  });
});
