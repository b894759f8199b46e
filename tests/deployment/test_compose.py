"""docker/compose.yaml and the Dockerfiles (issue 9): valid against the Compose Specification,
images pinned, one app image for the app and its one-shot jobs, the app's health check on
/healthz, Elasticsearch's major version equal to the client's, every variable documented.

The schema is the copy of compose-spec.json that check-jsonschema ships (pinned in
requirements-dev.txt; Apache-2.0, licence beside it in the package): no network."""

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"

# ${NAME}, ${NAME:-default}, ${NAME:?error}, $NAME; $$ is a literal dollar sign.
VARIABLE = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def compose_spec_schema():
    path = resources.files("check_jsonschema") / "builtin_schemas/vendor/compose-spec.json"
    return json.loads(path.read_text(encoding="utf-8"))


def strings(value):
    """Every string value in the parsed file (where Compose interpolates), anchors expanded."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def from_lines(dockerfile):
    return re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(encoding="utf-8"), re.MULTILINE)


def assert_pinned(image):
    name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    assert tag, f"{image}: no tag"
    assert tag != "latest", f"{image}: :latest is not a pinned version"
    assert name, image


def dockerfile_of(service):
    build = service["build"]
    context = (DOCKER / build["context"]).resolve()
    return context / build.get("dockerfile", "Dockerfile")


def test_the_file_is_valid_against_the_compose_specification(compose):
    schema = compose_spec_schema()
    assert schema["title"] == "Compose Specification"
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator_class(schema).iter_errors(compose)
    ]
    assert errors == []


def test_the_schema_catches_a_mistake(compose):
    # The validation is not vacuous: a misspelt key of a service is an error.
    broken = json.loads(json.dumps(compose))
    broken["services"]["app"]["depends_onn"] = broken["services"]["app"].pop("depends_on")
    schema = compose_spec_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not validator.is_valid(broken)


def test_the_service_set(services):
    assert {"app", "migrate", "db", "elasticsearch", "redis", "nginx"} <= set(services)


def test_every_image_is_pinned(services):
    for name, service in services.items():
        assert "image" in service, f"{name}: no image name"
        assert_pinned(service["image"])
        if "build" in service:
            for base in from_lines(dockerfile_of(service)):
                if base.lower() in {"scratch"}:
                    continue
                assert_pinned(base)


def test_every_dockerfile_pins_its_base_images():
    dockerfiles = sorted(DOCKER.rglob("Dockerfile"))
    assert len(dockerfiles) == 3
    for dockerfile in dockerfiles:
        bases = from_lines(dockerfile)
        assert bases, dockerfile
        for base in bases:
            assert_pinned(base)


def test_app_and_its_jobs_run_one_image(services):
    app = services["app"]
    for name in ("migrate", "static", "scheduler"):
        assert services[name]["build"] == app["build"], name
        assert services[name]["image"] == app["image"], name
        assert services[name]["environment"] == app["environment"], name
    assert app["build"]["dockerfile"] == "docker/Dockerfile"


def test_migrate_runs_once_before_the_app(services):
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["app"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_the_app_health_check_asks_healthz(services):
    test = services["app"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "http://127.0.0.1:8000/healthz" in " ".join(test)
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    healthcheck = re.search(
        r"^HEALTHCHECK [^\n]*\\\n\s*CMD (\[[^\n]*\])$", dockerfile, re.MULTILINE
    )
    assert healthcheck, "docker/Dockerfile has no HEALTHCHECK"
    # The image's own check (docker run without compose) is the same command.
    assert json.loads(healthcheck.group(1)) == test[1:]
    assert services["nginx"]["depends_on"]["app"] == {"condition": "service_healthy"}


def test_the_database_health_check(services):
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])


def test_elasticsearch_major_equals_the_clients():
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    client = re.search(r"^elasticsearch==(\d+)\.", pins, re.MULTILINE).group(1)
    dockerfile = DOCKER / "elasticsearch" / "Dockerfile"
    (base,) = from_lines(dockerfile)
    server = re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:(\d+)\.\d+\.\d+", base)
    assert server, base
    assert server.group(1) == client
    assert "elasticsearch-plugin install --batch analysis-smartcn" in dockerfile.read_text()


def test_elasticsearch_service(services):
    elasticsearch = services["elasticsearch"]
    assert dockerfile_of(elasticsearch) == DOCKER / "elasticsearch" / "Dockerfile"
    assert elasticsearch["environment"]["discovery.type"] == "single-node"
    assert "ports" not in elasticsearch  # private to the compose network
    version = from_lines(dockerfile_of(elasticsearch))[0].rpartition(":")[2]
    assert elasticsearch["image"].endswith(f":{version}")


def test_only_nginx_is_published(services):
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]


def test_the_app_reaches_the_services_it_is_given(services):
    environment = services["app"]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "website.settings.production"
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert "http://elasticsearch:9200" in environment["SEARCH_URL"]
    assert "redis://redis:6379/" in environment["REDIS_URL"]
    assert "http://nginx:8080" in environment["FRONTEND_CACHE_PURGE_URL"]


def test_every_variable_is_in_the_env_example(compose):
    used = {
        first or second for text in strings(compose) for first, second in VARIABLE.findall(text)
    }
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_URL"} <= used
    example = (DOCKER / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    assert sorted(used - listed) == []


def test_nginx_serves_the_shared_volumes_and_answers_purge(services):
    nginx = services["nginx"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert "media:/srv/media:ro" in nginx["volumes"]
    config = (DOCKER / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_cache_purge site $host$request_uri;" in config
    assert "proxy_cache_key $host$request_uri;" in config
    assert "libnginx-mod-http-cache-purge" in dockerfile_of(nginx).read_text()
