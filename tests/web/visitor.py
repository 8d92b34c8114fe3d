"""A person using the front end through the real gateway, as a browser without script would: cookies kept,
redirects seen one by one, and each form posted with the form token of the page it came from."""

import html
import re
from dataclasses import dataclass

import httpx

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def text_of(page: str) -> str:
    """What a person reads in the page's <main>: tags dropped, spaces collapsed, entities decoded."""
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", main.split(">", 1)[-1]))).strip()


def title_of(page: str) -> str:
    return html.unescape(page.split("<title>", 1)[1].split("</title>", 1)[0]).strip()


@dataclass
class Visitor:
    gateway: str

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.gateway, follow_redirects=False, timeout=30)
        self.last_page = ""

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **kwargs) -> httpx.Response:
        answer = self.http.get(path, **kwargs)
        if answer.headers.get("content-type", "").startswith("text/html"):
            self.last_page = answer.text
        return answer

    def follow(self, answer: httpx.Response) -> httpx.Response:
        """The page a redirect leads to (a GET, as a browser does after 303)."""
        while answer.status_code in (301, 302, 303, 307):
            answer = self.get(answer.headers["location"])
        return answer

    @property
    def csrf(self) -> str:
        found = _CSRF.search(self.last_page)
        assert found, "the last page had no form token"
        return found.group(1)

    def post(self, path: str, fields: dict[str, str] | None = None, *, from_page: str | None = None) -> httpx.Response:
        """Post a form as it was on `from_page` (fetched first when given), or on the last page seen."""
        if from_page is not None:
            self.get(from_page)
        answer = self.http.post(path, data={"csrf_token": self.csrf, **(fields or {})})
        if answer.headers.get("content-type", "").startswith("text/html"):
            self.last_page = answer.text
        return answer

    def sign_in(self, username: str, password: str) -> httpx.Response:
        answer = self.post("/sign-in", {"username": username, "password": password}, from_page="/sign-in")
        assert answer.status_code == 303, text_of(answer.text)
        return self.follow(answer)
