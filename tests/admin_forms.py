"""Posting Wagtail admin forms as the browser does: the edit form's fields, read from the page."""

from bs4 import BeautifulSoup


def form_data(client, url):
    """The fields of the form that posts to `url` on the page at `url`, with their values."""
    page = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    form = next(form for form in page.find_all("form") if form.get("action") == url)
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.get("type") in ("submit", "button"):
            continue
        if field.name == "textarea":
            # A browser drops the newline that follows <textarea> (HTML's parsing rules).
            text = field.text
            data[name] = text[1:] if text.startswith("\n") else text
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def messages_of(response):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return " ".join(
        node.get_text(" ", strip=True)
        for node in page.select(".messages, .error-message, .help-critical, .w-field__errors")
    )
