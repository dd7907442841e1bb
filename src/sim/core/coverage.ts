import type { Frame } from './frames';

/**
 * What the engine charges at each kernel step point of a run that records
 * coverage (sim/coverage builds the counters): the frames at that point, the
 * innermost last, and the step number, which tells frames entered since the
 * previous step point (`enteredAt === step`) from older ones.
 */
export interface CoverageSink {
  kernelStep(frames: readonly Frame[], step: number): void;
}
