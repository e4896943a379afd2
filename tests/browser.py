"""What the browser tests share: selecting text as a browser counts it, logging in, saving."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from . import factories

ARTIFACTS = Path(__file__).parent / "artifacts"
PERSIAN = (
    "به گزارش ایسنا، نیروهای سوریه دموکراتیک می‌گویند ۳۰۰۰ نفر از الباغوز خارج شده‌اند.\n"
    "این منابع افزودند: حملات هوایی ادامه دارد.\nانتهای پیام"
)
VOCALISED = "قالَ المُتَحَدِّثُ: إِنَّ ثَلاثَةَ آلافِ شَخْصٍ غادَروا البَاغُوزَ."
EMOJI = "😀👨\u200d👩\u200d👧🇸🇾 قال المتحدث 🎉 إن 3000 شخص غادروا الباغوز 🏳️ أمس."


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def login(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")  # not the header's language buttons
    page.wait_for_url(f"{live_server.url}/articles/")


def select(page, text: str, start_cp: int, end_cp: int):
    """Select [start_cp, end_cp) with Chromium's selection API, given UTF-16 positions as a browser has them."""
    page.evaluate(
        """([s, e]) => {
            const el = document.getElementById('article-text');
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const nodes = []; let n; while ((n = walker.nextNode())) nodes.push(n);
            const at = (pos) => { for (const node of nodes) { if (pos <= node.length) return [node, pos]; pos -= node.length; } };
            const [a, ao] = at(s), [b, bo] = at(e);
            document.getSelection().setBaseAndExtent(a, ao, b, bo);
        }""",
        [utf16(text, start_cp), utf16(text, end_cp)],
    )
    # Wait until the form holds the server's span for this very selection (it may already hold another).
    page.wait_for_selector(f'form[data-selection="{utf16(text, start_cp)}:{utf16(text, end_cp)}"]', state="attached")


def form_span(page) -> tuple[int, int, str]:
    values = page.evaluate(
        "() => { const f = document.getElementById('claim-form'); return [f.elements.start.value, f.elements.end.value, f.elements.quote.value]; }"
    )
    return int(values[0]), int(values[1]), values[2]


def save(page, verdict: str, count: int):
    page.select_option("#claim-form select[name=verification_status]", verdict)
    page.click("#save-claim")
    page.wait_for_function("(n) => document.querySelectorAll('#claim-list .claim').length === n", arg=count)


def export(fmt: str) -> str:
    out = StringIO()
    call_command("export_annotations", format=fmt, stdout=out)
    return out.getvalue()


def export_gold() -> str:
    out = StringIO()
    call_command("export_annotations", format="json", gold=True, stdout=out)
    return out.getvalue()
