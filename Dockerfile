FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY services services
COPY gateway gateway
COPY futuresocial futuresocial
COPY migrations migrations
RUN pip install --no-cache-dir -e . && useradd --system futuresocial
USER futuresocial
EXPOSE 8000
