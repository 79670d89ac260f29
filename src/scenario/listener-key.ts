/**
 * How a scenario names a listener: `<load balancer id>:<protocol>:<port>`, e.g. `lb-seed:http:80`
 * (the scenario schema and trace files read it; kept apart from the schema so that reading a trace
 * does not load the schema library).
 */
export const LISTENER_KEY_PATTERN = /^[^:\s]+:(?:http|https|tcp|udp):\d{1,5}$/;
