import { describe, expect, it } from "vitest";
import { ChangeRing } from "./change-ring.js";

describe("ChangeRing", () => {
  it("evicts the oldest when full and shifts the oldest on demand", () => {
    const ring = new ChangeRing<number>(3);
    for (const n of [1, 2, 3]) expect(ring.push(n)).toBeUndefined();
    expect(ring.push(4)).toBe(1);
    expect(ring.shift()).toBe(2);
    expect(ring.size).toBe(2);
    ring.push(5);
    expect([...ring.newerThan(() => true)]).toEqual([3, 4, 5]);
    expect([...ring.newerThan((n) => n > 3)]).toEqual([4, 5]);
    for (let i = 0; i < 3; i++) ring.shift();
    expect(ring.shift()).toBeUndefined();
    expect([...ring.newerThan(() => true)]).toEqual([]);
  });
});
