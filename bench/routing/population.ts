/** What the routing benchmark's server holds: pods spread over namespaces (bench/fixtures.ts shapes). */
export const ROUTING_POPULATION = { namespaces: 50, podsPerNamespace: 20 } as const;
