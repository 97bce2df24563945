/**
 * The metrics the functions print (EMF lines on console.log), for a test that asserts them. Metrics print EMF only
 * when enabled; POWERTOOLS_DEV (set for tests) disables them otherwise, so a handler is built after `start`.
 */
import { vi } from 'vitest';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
  [key: string]: unknown;
}

export class PrintedMetrics {
  private printed: Record<string, unknown>[] = [];

  /** In beforeEach: metrics on, and the JSON lines console.log prints kept (nothing else is printed). */
  start(): void {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    this.printed = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      if (typeof line === 'string' && line.startsWith('{')) this.printed.push(JSON.parse(line));
    });
  }

  /** In afterEach. */
  stop(): void {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }

  /** The values of a dimensionless metric printed since `start`, in order. */
  dimensionless(name: string): number[] {
    return this.printed
      .filter((line): line is EmfLine => '_aws' in line && name in line)
      .filter((line) => line._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 0)
      .map((line) => line[name] as number);
  }
}
