-- The ledger: one row per request. Portable across SQLite and PostgreSQL.
-- Money is stored as decimal text-compatible NUMERIC in USD; time as epoch milliseconds.
CREATE TABLE IF NOT EXISTS requests (
  id              VARCHAR(64) PRIMARY KEY,
  ts_ms           BIGINT       NOT NULL,
  key_id          VARCHAR(128) NOT NULL,
  tenant          VARCHAR(128) NOT NULL,
  feature         VARCHAR(256) NOT NULL,
  requested_model VARCHAR(256) NOT NULL,
  served_model    VARCHAR(256),
  provider        VARCHAR(64),
  input_tokens    BIGINT       NOT NULL,
  cached_tokens   BIGINT       NOT NULL,
  output_tokens   BIGINT       NOT NULL,
  cost_usd        NUMERIC(20,10) NOT NULL,
  baseline_usd    NUMERIC(20,10) NOT NULL,
  saved_usd       NUMERIC(20,10) NOT NULL,
  strategy        VARCHAR(256) NOT NULL,
  cache_status    VARCHAR(32)  NOT NULL,
  latency_ms      DOUBLE PRECISION NOT NULL,
  ttft_ms         DOUBLE PRECISION NOT NULL,
  status          INTEGER      NOT NULL,
  error_code      VARCHAR(64)
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts_ms);
CREATE INDEX IF NOT EXISTS requests_tenant_ts ON requests (tenant, ts_ms);
