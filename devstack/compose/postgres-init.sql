-- docker-compose.yml mounts this into /docker-entrypoint-initdb.d/: it runs once, when the
-- postgres volume is first initialised. One database per service (names as in `make run`).
CREATE DATABASE qm_gateway;
CREATE DATABASE qm_goals;
CREATE DATABASE qm_feedback;
CREATE DATABASE qm_audit;
CREATE DATABASE qm_awards;
