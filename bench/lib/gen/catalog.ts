// Vocabulary of the generated cluster: names, images, env vars and config text of the kind real
// clusters carry, so that bodies compress like real ones (neither all-random nor all-repeated).

export const TEAMS = [
  'payments',
  'checkout',
  'search',
  'catalog',
  'identity',
  'notifications',
  'billing',
  'shipping',
  'inventory',
  'analytics',
  'recommendations',
  'reviews',
  'pricing',
  'fraud',
  'ledger',
  'media',
  'messaging',
  'gateway',
  'platform',
  'data-ingest',
  'reporting',
  'onboarding',
  'support',
  'growth',
  'ads',
  'loyalty',
  'warehouse',
  'routing',
  'geo',
  'cart',
  'accounts',
  'audit',
  'export',
  'feeds',
  'partners',
  'tax',
  'risk',
  'orders',
  'quotes',
  'sessions',
] as const;

export const SYSTEM_NAMESPACES = [
  'kube-system',
  'monitoring',
  'ingress-nginx',
  'cert-manager',
  'logging',
] as const;

export const COMPONENTS = [
  'api',
  'worker',
  'web',
  'consumer',
  'scheduler',
  'grpc',
  'frontend',
  'backend',
  'sync',
  'indexer',
  'processor',
  'router',
  'cache',
  'admin',
  'reconciler',
  'exporter',
  'publisher',
  'batch',
] as const;

export type LogStyle = 'json' | 'klog' | 'nginx' | 'java' | 'python' | 'logfmt';

export interface ImageSpec {
  repo: string;
  style: LogStyle;
  port: number;
  probe: 'http' | 'tcp' | 'grpc' | 'exec';
  language: 'go' | 'java' | 'python' | 'node' | 'nginx';
}

export const APP_IMAGES: readonly ImageSpec[] = [
  { repo: 'ghcr.io/acme/{app}', style: 'json', port: 8080, probe: 'http', language: 'go' },
  { repo: 'ghcr.io/acme/{app}', style: 'logfmt', port: 8080, probe: 'http', language: 'go' },
  {
    repo: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/{app}',
    style: 'java',
    port: 8080,
    probe: 'http',
    language: 'java',
  },
  {
    repo: 'registry.acme.internal/{team}/{app}',
    style: 'python',
    port: 8000,
    probe: 'http',
    language: 'python',
  },
  { repo: 'registry.acme.internal/{team}/{app}', style: 'json', port: 3000, probe: 'http', language: 'node' },
  { repo: 'ghcr.io/acme/{app}', style: 'klog', port: 9443, probe: 'grpc', language: 'go' },
];

export const SIDECARS = [
  {
    name: 'envoy',
    image: 'docker.io/envoyproxy/envoy:v1.31.2',
    style: 'nginx' as LogStyle,
    port: 15001,
    cpu: '100m',
    memory: '128Mi',
  },
  {
    name: 'otel-agent',
    image: 'otel/opentelemetry-collector-contrib:0.112.0',
    style: 'json' as LogStyle,
    port: 4317,
    cpu: '50m',
    memory: '96Mi',
  },
  {
    name: 'cloud-sql-proxy',
    image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0',
    style: 'logfmt' as LogStyle,
    port: 5432,
    cpu: '50m',
    memory: '64Mi',
  },
] as const;

export const ENV_NAMES = [
  'LOG_LEVEL',
  'LOG_FORMAT',
  'HTTP_PORT',
  'GRPC_PORT',
  'METRICS_PORT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'DATABASE_USER',
  'REDIS_URL',
  'KAFKA_BROKERS',
  'KAFKA_TOPIC',
  'FEATURE_FLAGS',
  'CACHE_TTL_SECONDS',
  'MAX_CONNECTIONS',
  'REQUEST_TIMEOUT',
  'UPSTREAM_URL',
  'REGION',
  'ENVIRONMENT',
  'JAVA_TOOL_OPTIONS',
  'GOMAXPROCS',
  'GOMEMLIMIT',
  'NODE_OPTIONS',
  'TZ',
  'SENTRY_ENVIRONMENT',
  'WORKERS',
  'QUEUE_NAME',
] as const;

export const NODE_IMAGES = [
  'registry.k8s.io/kube-proxy:v1.34.1',
  'registry.k8s.io/pause:3.10.1',
  'docker.io/envoyproxy/envoy:v1.31.2',
  'otel/opentelemetry-collector-contrib:0.112.0',
  'quay.io/prometheus/node-exporter:v1.8.2',
  'cr.fluentbit.io/fluent/fluent-bit:3.1.9',
  'registry.k8s.io/coredns/coredns:v1.12.1',
  'quay.io/cilium/cilium:v1.16.3',
  'registry.k8s.io/ingress-nginx/controller:v1.11.3',
  'quay.io/jetstack/cert-manager-controller:v1.16.1',
  'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0',
  'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
  'docker.io/library/redis:7.4.1-alpine',
  'docker.io/library/busybox:1.36.1',
  'docker.io/bitnami/kubectl:1.31.2',
] as const;

export const USERS = [
  'alice@acme.example',
  'bob@acme.example',
  'carol@acme.example',
  'dan@acme.example',
  'deploy-bot@acme.example',
  'system:serviceaccount:argocd:argocd-application-controller',
] as const;

export const CONTROLLERS = [
  'replicaset-controller',
  'deployment-controller',
  'endpointslice-controller',
  'node-lifecycle-controller',
  'horizontal-pod-autoscaler',
  'garbage-collector',
  'namespace-controller',
  'job-controller',
  'statefulset-controller',
  'daemon-set-controller',
  'resourcequota-controller',
  'disruption-controller',
] as const;

export const JAVA_FRAMES = [
  'org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)',
  'org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
  'org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)',
  'org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:795)',
  'org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:150)',
  'org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)',
  'org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)',
  'org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:389)',
  'org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1740)',
  'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)',
  'java.base/java.lang.Thread.run(Thread.java:1583)',
  'com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)',
  'com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)',
  'org.hibernate.engine.jdbc.internal.StatementPreparerImpl.prepareStatement(StatementPreparerImpl.java:149)',
  'org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:517)',
] as const;

export const JAVA_EXCEPTIONS = [
  'java.lang.IllegalStateException: Order {id} is not in a payable state',
  'org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection',
  'java.net.SocketTimeoutException: Read timed out',
  'java.lang.NullPointerException: Cannot invoke "String.length()" because "customerId" is null',
  'com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type `java.time.Instant`',
] as const;

export const PYTHON_ERRORS = [
  'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused',
  "KeyError: 'customer_id'",
  'redis.exceptions.ConnectionError: Error 111 connecting to redis-master:6379. Connection refused.',
  "ValueError: invalid literal for int() with base 10: ''",
] as const;

export const HTTP_PATHS = [
  '/api/v1/orders',
  '/api/v1/orders/{id}',
  '/api/v1/customers/{id}',
  '/api/v2/search',
  '/healthz',
  '/readyz',
  '/metrics',
  '/api/v1/carts/{id}/items',
  '/api/v1/payments',
  '/api/v1/products/{id}',
  '/graphql',
  '/api/v1/sessions',
] as const;

export const FAILURE_REASONS = ['Error', 'OOMKilled', 'Error', 'Error', 'ContainerCannotRun'] as const;

export const CONFIG_FILE_LINES = [
  'server:',
  '  port: {port}',
  '  readTimeout: 15s',
  '  writeTimeout: 30s',
  'logging:',
  '  level: info',
  '  format: json',
  'database:',
  '  host: {team}-db.{team}.svc.cluster.local',
  '  port: 5432',
  '  maxOpenConns: {conns}',
  '  maxIdleConns: 10',
  '  connMaxLifetime: 30m',
  'cache:',
  '  enabled: true',
  '  ttl: {ttl}s',
  '  redis: redis://{team}-redis.{team}.svc.cluster.local:6379/0',
  'features:',
  '  newCheckout: {flag}',
  '  asyncWebhooks: true',
  '  rateLimitPerMinute: {rate}',
  'upstreams:',
  '  - name: catalog',
  '    url: http://catalog-api.catalog.svc.cluster.local:8080',
  '    timeout: 2s',
  '  - name: pricing',
  '    url: http://pricing-api.pricing.svc.cluster.local:8080',
  '    timeout: 500ms',
] as const;
