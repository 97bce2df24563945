/** EMF metrics the alarms watch directly: published with no dimensions at all (not even `service`). */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** One data point of `name` with no dimensions, flushed at once (its own EMF line). */
export function publishDimensionless(metrics: Metrics, name: string, value: number): void {
  const metric = metrics.singleMetric();
  metric.clearDefaultDimensions();
  metric.addDimensions({});
  metric.addMetric(name, MetricUnit.Count, value);
}
