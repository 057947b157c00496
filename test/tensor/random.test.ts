/** Generator.getState()/setState(): the stream continues exactly, spare normal included. */
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/index.js';

describe('Generator state', () => {
  it('setState(getState()) continues the same stream, in this generator or another, also through JSON', () => {
    const g = new Generator(42);
    for (let i = 0; i < 10; i++) g.nextUint32();
    const state = g.getState();
    expect(state.state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
    const expected = [g.nextUint32(), g.uniform(), g.normal(), g.randint(1000)];
    const other = new Generator(7).setState(JSON.parse(JSON.stringify(state)) as typeof state);
    expect([other.nextUint32(), other.uniform(), other.normal(), other.randint(1000)]).toEqual(expected);
    g.setState(state);
    expect([g.nextUint32(), g.uniform(), g.normal(), g.randint(1000)]).toEqual(expected);
  });

  it('keeps the spare normal deviate of the polar method', () => {
    const g = new Generator(3);
    g.normal();
    const state = g.getState();
    expect(state.spareNormal).not.toBeNull();
    const next = [g.normal(), g.normal(), g.normal()];
    const h = new Generator(0).setState(state);
    expect([h.normal(), h.normal(), h.normal()]).toEqual(next);
    expect(new Generator(5).getState().spareNormal).toBeNull();
  });

  it('the state is a copy, and a bad one is an error', () => {
    const g = new Generator(1);
    const state = g.getState();
    state.state[0] = 0;
    expect(g.getState().state[0]).not.toBe(0);
    expect(() => g.setState({ state: [0, 0, 0, 0], spareNormal: null })).toThrow('setState: the xoshiro state must not be all zeros');
    expect(() => g.setState({ state: [1, 2, 3] as never, spareNormal: null })).toThrow(
      'setState: state.state must be 4 unsigned 32-bit integers',
    );
    expect(() => g.setState({ state: [1, 2, 3, -1], spareNormal: null })).toThrow('unsigned 32-bit');
    expect(() => g.setState({ state: [1, 2, 3, 4], spareNormal: NaN })).toThrow(
      'setState: spareNormal must be a finite number or null, got NaN',
    );
  });
});
