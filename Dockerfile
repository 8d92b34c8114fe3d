FROM python:3.11-slim
WORKDIR /app
# The locked versions with their hashes first (a layer kept while only the code changes), then the project
# itself, which resolves nothing more.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY services services
COPY gateway gateway
COPY futuresocial futuresocial
COPY web web
COPY migrations migrations
RUN pip install --no-cache-dir --no-deps -e . && python -m web.assets && useradd --system futuresocial
USER futuresocial
EXPOSE 8000
