"""English page furniture inside article bodies: captions, pull quotes, calls to action, author
boxes — removed, while article sentences that look a little like them are kept."""

from __future__ import annotations

import pytest

from brieflow.extract import extract
from brieflow.extract.furniture import drop_author_box, is_english_furniture

ARTICLE = [
    "The city council voted on Tuesday to extend the downtown tram line by four kilometres.",
    "Construction is due to start next spring and should take about two years to finish.",
    "Opponents said the money would be better spent on buses serving the outer districts.",
    "The council's transport chair said the line would carry 20,000 riders a day by 2030.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Why trams are back in fashion",
        "READ MORE",
        "Related: Council approves new budget",
        "Sign up for our free morning newsletter",
        "Subscribe to our daily email here",
        "Click here to get the latest updates",
        "Follow us on Twitter and Facebook",
        "This article originally appeared in The Example Times.",
        "Advertisement",
        "Workers lay tracks in the city centre. (Photo by Jane Roe/Getty Images)",
        "Photo: Jane Roe",
        "Commuters wait at a stop on Main Street. Jane Roe / Reuters",
        "Share Email Print",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_english_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read the full report, the council said, before judging the plan.",
        "Related measures include a new bus lane on the ring road.",
        "Recommended speeds will fall to 30 km/h near schools.",
        "Subscribers to the transit pass will pay less from March.",
        "Join the queue, officials told riders, because trains will be full.",
        *ARTICLE,
    ],
)
def test_article_lines_are_kept(line: str) -> None:
    assert not is_english_furniture(line)


def test_author_box_only_at_the_end() -> None:
    box = "Geoffrey Skelley is an elections analyst at FiveThirtyEight. @geoffreyvs"
    assert drop_author_box([*ARTICLE, box]) == ARTICLE
    assert drop_author_box([*ARTICLE, box, "Filed under transport"])[-1] == "Filed under transport"
    # Early in the body, or a plain description of a person quoted, it stays.
    assert drop_author_box([box, *ARTICLE]) == [box, *ARTICLE]
    last = "John Smith is the chief executive of Acme Rail, which will build the line."
    assert drop_author_box([*ARTICLE, last]) == [*ARTICLE, last]


def test_page_with_caption_pull_quote_calls_to_action_and_author_box() -> None:
    p = ARTICLE
    html = (
        "<html><head><title>Council extends tram line | Example News</title></head><body>"
        "<h1>Council extends tram line</h1><article>"
        f"<p>{p[0]}</p>"
        "<figure><img src='a.jpg'><figcaption>A tram on Main Street. Photo: Jane Roe"
        "</figcaption></figure>"
        f"<p>{p[1]}</p>"
        "<aside class='pull-quote'><p>“It will change how the city moves.”</p></aside>"
        "<p>Read more: Why trams are back in fashion</p>"
        f"<p>{p[2]}</p>"
        "<div class='newsletter-signup'><p>Sign up for our free morning newsletter</p>"
        "<button>Subscribe</button></div>"
        "<h3 class='video-title'>Can you guess what riders think of the plan?</h3>"
        "<div class='video-placeholder'><iframe src='v.html'></iframe></div>"
        f"<p>{p[3]}</p>"
        "<div class='author-bio'><p>Ann Lee covers transport for Example News.</p></div>"
        "</article></body></html>"
    )
    [item] = list(extract(html.encode(), "tram.html"))
    assert [q.text for q in item.article.paragraphs] == ARTICLE
