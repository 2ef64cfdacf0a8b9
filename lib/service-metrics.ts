/** The metrics the alarms and the dashboard share, over one period. */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { routeKey, type Route } from '../functions/route-table/shape.ts';

export const PERIOD = Duration.minutes(5);

/** One route's metric from API Gateway's detailed (per-route) metrics of the stage (no label: an alarm takes it as is). */
export function routeMetric(stage: HttpStage, route: Route, metricName: string, statistic: string): Metric {
  return new Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiId: stage.api.apiId, Stage: stage.stageName, Route: routeKey(route) },
    statistic,
    period: PERIOD,
  });
}
