"""`python -m workers [--burst]`: the Procfile's worker process, configured from the environment
(and `.env`) exactly as the web process is. It refuses to start on broken flows, or outside demo
mode without a webhook token and secret key, as the web does."""

import sys

from sms_service.core.config import ConfigError, load_config, serving_problems
from sms_service.core.log_redaction import configure_logging
from sms_service.engine.flows.definitions import FlowDefinitionError
from sms_service.services import build_services
from workers.runner import run_worker

if __name__ == "__main__":
    configure_logging()
    config = load_config()
    if serving_problems(config):
        raise ConfigError("refusing to start: " + "; ".join(serving_problems(config)))
    services = build_services(config)
    if services.flow_problems:
        raise FlowDefinitionError(services.flow_problems)
    run_worker(services, burst="--burst" in sys.argv[1:])
