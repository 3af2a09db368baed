def test_healthy_when_redis_and_database_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"redis": "ok", "database": "ok"}}


def test_503_names_redis_when_it_is_down(make_app):
    response = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["redis"].startswith("down: ConnectionError")
    assert checks["database"] == "ok"


def test_503_names_the_database_when_it_is_down(make_app):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"].startswith("down: OperationalError")
    assert checks["redis"] == "ok"
