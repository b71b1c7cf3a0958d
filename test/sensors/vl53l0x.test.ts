import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VL53L0X_MAX_MM, createVl53l0x, vl53l0xConvert } from '../../firmware/sensors/vl53l0x.ts';
import { VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import { Vl53l0xTwin } from '../../simulator/hardware/sensors/vl53l0x.ts';
import { TestClock, readOnce } from './harness.ts';

function setup() {
  const clock = new TestClock();
  const bus = new VirtualI2cBus();
  const twin = new Vl53l0xTwin(clock);
  bus.attach(0x29, twin);
  const sensor = createVl53l0x({ i2c: bus, setTimeout: clock.setTimeout });
  return { clock, bus, twin, sensor };
}

/** 12 bytes as read from RESULT_RANGE_STATUS with this device status and range. */
function result(status: number, mm: number): Uint8Array {
  const d = new Uint8Array(12);
  d[0] = (status << 3) | 1;
  d[10] = mm >> 8;
  d[11] = mm & 0xff;
  return d;
}

describe('VL53L0X against ST API conventions', () => {
  it('device range status 11 is a valid range; big-endian mm at offset 10', () => {
    expect(vl53l0xConvert(result(11, 0x01f4))).toBe(500);
  });
  it('other statuses (4 phase fail, 0 none, 5 min range) and 8190 "no target" are missing readings', () => {
    expect(vl53l0xConvert(result(4, 8190))).toBeUndefined();
    expect(vl53l0xConvert(result(0, 300))).toBeUndefined();
    expect(vl53l0xConvert(result(5, 300))).toBeUndefined();
    expect(vl53l0xConvert(result(11, 8190))).toBeUndefined();
  });
});

describe('VL53L0X driver against its twin', () => {
  it('reads the distance back to the millimetre across its range', () => {
    const { clock, twin, sensor } = setup();
    fc.assert(fc.property(fc.double({ min: 1, max: VL53L0X_MAX_MM, noNaN: true }), (d) => {
      twin.setDistance(d);
      const r = readOnce(clock, sensor);
      expect(Math.abs(r.value! - d)).toBeLessThanOrEqual(0.5);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(twin.timingBudgetMs); // waited for the ranging
    }), { numRuns: 200 });
    expect(twin.rangings).toBeGreaterThanOrEqual(200);
  });

  it('no target in range gives undefined', () => {
    const { clock, twin, sensor } = setup();
    twin.setDistance(3000);
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });

  it('follows the stop-variable sequence (the twin flags a ranging started without it)', () => {
    const { clock, bus, twin, sensor } = setup();
    expect(readOnce(clock, sensor).value).toBe(500);
    // corrupt the stop variable in the private page: a ranging started now would be invalid,
    // but the driver writes back the value it read at initialisation
    bus.writeTo(0x29, [0xff, 0x01]);
    bus.writeTo(0x29, [0x91, 0x00]);
    bus.writeTo(0x29, [0xff, 0x00]);
    expect(readOnce(clock, sensor).value).toBe(500);
    expect(twin.rangings).toBe(2);
  });

  it.each(['absent', 'busError', 'stuck'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { clock, twin, sensor } = setup();
    twin.fault = fault;
    expect(readOnce(clock, sensor).value).toBeUndefined();
    twin.fault = 'none';
    expect(readOnce(clock, sensor).value).toBe(500);
  });

  it('a chip with another model id is not used', () => {
    const { clock, twin, sensor } = setup();
    twin.modelId = 0xea;
    expect(readOnce(clock, sensor).value).toBeUndefined();
    expect(twin.rangings).toBe(0);
  });
});
