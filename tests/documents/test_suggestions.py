"""Citizens' review suggestions (审查建议): the public form (validation in Chinese, honeypot, fill
time, size limits, CSRF, per-IP rate limit; a rejected submission stores nothing), the one-time
confirmation, and the status page reachable only by tracking number plus check code. The name
and contact given never appear on any public page."""

import datetime
import time

from django.core import signing
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from freezegun import freeze_time

from documents import forms_public
from documents.factories import (
    ConcludedReviewFactory,
    DocumentRegistryPageFactory,
    NormativeDocumentFactory,
    ReviewSuggestionFactory,
)
from documents.models import ReviewSuggestion
from tests.helpers import default_home, h1_texts, main_text, parse

SECRET_NAME = "隐私建议人甲某"
SECRET_PHONE = "13912345678"
SECRET_EMAIL = "secret.citizen@example.cn"


def valid_data(**overrides):
    data = {
        "document_title": "某乡镇关于农村建房收取保证金的通知",
        "issues": "通知要求村民建房前缴纳保证金。",
        "reasons": "收取保证金没有法律、法规依据。",
        "name": SECRET_NAME,
        "contact": SECRET_PHONE,
        "website": "",
        "started": forms_public.new_timestamp(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def error_texts(response):
    return [p.get_text(" ", strip=True) for p in parse(response).select(".form-field__error")]


def summary_text(response):
    summary = parse(response).select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


@override_settings(DOCUMENTS_SUGGESTION_MIN_SECONDS=0)
class SuggestionData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = DocumentRegistryPageFactory(
            parent=default_home(), title="规范性文件备案审查", slug="normative-documents"
        )
        cls.url = cls.index.url
        cls.suggest_url = f"{cls.url}suggest/"
        cls.track_url = f"{cls.url}track/"
        cls.document = NormativeDocumentFactory(
            title="县城区停车场管理办法", number="县政发〔2025〕1号"
        )
        cls.draft = NormativeDocumentFactory(title="尚未公开的文件", live=False)

    def setUp(self):
        cache.clear()  # the rate limits live in the default cache

    def post(self, data, client=None, **extra):
        return (client or self.client).post(self.suggest_url, data, **extra)


class TestForm(SuggestionData):
    def test_form_renders_with_csrf_honeypot_and_notice(self):
        response = self.client.get(self.suggest_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["提出审查建议"])
        page = parse(response)
        form = page.select_one("form.suggestion-form")
        self.assertEqual(form["method"], "post")
        self.assertIsNotNone(form.select_one("input[name=csrfmiddlewaretoken]"))
        honeypot = form.select_one("input[name=website]")
        self.assertEqual(honeypot["tabindex"], "-1")
        self.assertEqual(honeypot.find_parent("div")["aria-hidden"], "true")
        self.assertIn("请勿填写", honeypot.find_parent("div").label.get_text())
        self.assertIn("no-cache", response["Cache-Control"])
        for name in ("document_title", "issues", "reasons", "name", "contact"):
            field = form.select_one(f"[name={name}]")
            self.assertIsNotNone(page.select_one(f"label[for={field['id']}]"), name)
        self.assertEqual(form.select_one("textarea[name=issues]")["maxlength"], "5000")

    def test_document_chosen_from_its_page_is_shown_read_only(self):
        response = self.client.get(f"{self.suggest_url}?document={self.document.pk}")
        form = parse(response).select_one("form.suggestion-form")
        self.assertIn("县城区停车场管理办法", form.select_one(".selected-document").get_text())
        self.assertEqual(form.select_one("input[name=document]")["value"], str(self.document.pk))
        self.assertIsNone(form.select_one("input[name=document_title]"))

    def test_unknown_or_draft_document_falls_back_to_free_text(self):
        for value in (str(self.draft.pk), "abc", "999999"):
            with self.subTest(document=value):
                response = self.client.get(f"{self.suggest_url}?document={value}")
                self.assertEqual(response.status_code, 200)
                self.assertIn("未找到所选文件", main_text(response))
                self.assertNotIn(self.draft.title, response.content.decode())
                self.assertIsNotNone(parse(response).select_one("input[name=document_title]"))


class TestSubmission(SuggestionData):
    def test_valid_submission_is_stored_and_confirmed_once(self):
        response = self.post(valid_data())
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"{self.suggest_url}?submitted=1")
        suggestion = ReviewSuggestion.objects.get()
        self.assertEqual(suggestion.document_title, "某乡镇关于农村建房收取保证金的通知")
        self.assertEqual(suggestion.name, SECRET_NAME)
        self.assertEqual(suggestion.contact, SECRET_PHONE)
        self.assertEqual(suggestion.status, ReviewSuggestion.RECEIVED)

        done = self.client.get(response["Location"])
        self.assertEqual(h1_texts(done), ["审查建议已提交"])
        codes = [code.get_text() for code in parse(done).select(".receipt code")]
        self.assertEqual(codes, [suggestion.tracking_number, suggestion.check_code])
        html = done.content.decode()
        self.assertNotIn(SECRET_NAME, html)
        self.assertNotIn(SECRET_PHONE, html)
        # Shown once: the codes were in the session, not in the URL.
        again = self.client.get(response["Location"])
        self.assertNotIn(suggestion.check_code, again.content.decode())
        self.assertEqual(h1_texts(again), ["提出审查建议"])

    def test_submission_about_a_registry_document(self):
        response = self.post(valid_data(document=self.document.pk, document_title=None))
        self.assertEqual(response.status_code, 303)
        suggestion = ReviewSuggestion.objects.get()
        self.assertEqual(suggestion.document, self.document)
        self.assertEqual(suggestion.document_title, "")

    def test_contact_forms_accepted_and_normalised(self):
        cases = {
            "139 1234 5678": "13912345678",
            "+8613912345678": "+8613912345678",
            "0311-88886666": "0311-88886666",
            "（0311）88886666": "0311-88886666",
            "0311-88886666-123": "0311-88886666-123",
            "１３９１２３４５６７８": "13912345678",
            "citizen@example.cn": "citizen@example.cn",
        }
        for given, stored in cases.items():
            with self.subTest(contact=given):
                cache.clear()
                ReviewSuggestion.objects.all().delete()
                response = self.post(valid_data(contact=given))
                self.assertEqual(response.status_code, 303, error_texts(response))
                self.assertEqual(ReviewSuggestion.objects.get().contact, stored)

    def assert_rejected(self, data, field_error=None, summary=None):
        response = self.post(data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReviewSuggestion.objects.count(), 0)
        if field_error:
            self.assertIn(field_error, " ".join(error_texts(response)))
        if summary:
            self.assertIn(summary, summary_text(response))
        return response

    def test_each_invalid_kind_gets_a_chinese_message_and_stores_nothing(self):
        cases = [
            ({"issues": ""}, "请填写存在的问题。"),
            ({"issues": "   "}, "请填写存在的问题。"),
            ({"reasons": None}, "请填写理由和依据。"),
            ({"issues": "长" * 5001}, "存在的问题不能超过 5000 个字。"),
            ({"reasons": "长" * 5001}, "理由和依据不能超过 5000 个字。"),
            ({"name": ""}, "请填写建议人姓名或组织名称。"),
            ({"name": "名" * 51}, "建议人姓名或组织名称不能超过 50 个字。"),
            ({"contact": ""}, "请填写联系方式。"),
            ({"contact": "12345"}, "请填写有效的联系方式"),
            ({"contact": "2391234567"}, "请填写有效的联系方式"),
            ({"contact": "someone@"}, "电子邮箱格式不正确"),
            ({"document_title": ""}, "请填写建议审查的文件名称"),
            ({"document_title": "题" * 301}, "文件名称不能超过 300 个字。"),
        ]
        for overrides, message in cases:
            with self.subTest(overrides={k: (v or "")[:10] for k, v in overrides.items()}):
                response = self.assert_rejected(valid_data(**overrides), field_error=message)
                # Also listed in the error summary, which links to the field.
                self.assertIn(message, summary_text(response))

    def test_what_was_typed_is_kept_after_an_error(self):
        response = self.assert_rejected(
            valid_data(contact="bad"), field_error="请填写有效的联系方式"
        )
        form = parse(response).select_one("form.suggestion-form")
        issues = form.select_one("textarea[name=issues]").get_text().strip()
        self.assertEqual(issues, "通知要求村民建房前缴纳保证金。")
        contact = form.select_one("input[name=contact]")
        self.assertEqual(contact["aria-invalid"], "true")
        self.assertIn(f"{contact['id']}_error", contact["aria-describedby"])
        link = parse(response).select_one(".error-summary a")
        self.assertEqual(link["href"], f"#{contact['id']}")

    def test_a_draft_document_cannot_be_chosen(self):
        response = self.assert_rejected(valid_data(document=self.draft.pk, document_title=None))
        self.assertIn("所选文件不存在或已不再公开", summary_text(response))
        self.assertNotIn(self.draft.title, response.content.decode())

    def test_honeypot_rejects_with_a_generic_message(self):
        response = self.assert_rejected(valid_data(website="http://spam.example"))
        self.assertIn("提交未成功", summary_text(response))
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_tampered_or_missing_timestamp_is_rejected(self):
        self.assert_rejected(valid_data(started="forged"), summary="提交未成功")
        self.assert_rejected(valid_data(started=None), summary="提交未成功")

    @override_settings(DOCUMENTS_SUGGESTION_MIN_SECONDS=3)
    def test_a_form_filled_faster_than_a_person_can_is_rejected(self):
        self.assert_rejected(valid_data(), summary="提交未成功")
        three_seconds_ago = signing.dumps(int(time.time()) - 4, salt=forms_public.TIMESTAMP_SALT)
        self.assertEqual(self.post(valid_data(started=three_seconds_ago)).status_code, 303)

    def test_a_form_older_than_a_day_asks_to_resubmit(self):
        # The signature carries its own time: sign with a clock two days behind.
        signer = signing.TimestampSigner(salt=forms_public.TIMESTAMP_SALT)
        signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 2 * 86400)
        old = signer.sign_object(int(time.time()) - 2 * 86400)
        response = self.assert_rejected(valid_data(started=old), summary="表单已打开超过24小时")
        # The form comes back with the text kept and a fresh timestamp: resubmitting works.
        fresh = parse(response).select_one("input[name=started]")["value"]
        self.assertNotEqual(fresh, old)
        self.assertEqual(self.post(valid_data(started=fresh)).status_code, 303)

    def test_oversized_request_is_refused(self):
        response = self.post(valid_data(issues="长" * 30000))
        self.assertEqual(response.status_code, 413)
        self.assertIn("提交的内容过长", main_text(response))
        self.assertEqual(ReviewSuggestion.objects.count(), 0)

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        response = self.post(valid_data(), client=client)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ReviewSuggestion.objects.count(), 0)
        # With the token from the form the same client succeeds.
        form = client.get(self.suggest_url)
        token = parse(form).select_one("input[name=csrfmiddlewaretoken]")["value"]
        response = self.post(valid_data(csrfmiddlewaretoken=token), client=client)
        self.assertEqual(response.status_code, 303)


SESSION_KEY = "documents_suggestion_done"


class TestSentTwice(SuggestionData):
    def test_the_same_post_body_is_stored_once(self):
        data = valid_data()
        self.assertEqual(self.post(data).status_code, 303)
        again = self.post(data)
        self.assertEqual(again.status_code, 200)
        self.assertIn("这份审查建议已经提交过，没有重复保存", main_text(again))
        # From another browser too (a replayed body): nothing shows the first one's codes.
        replay = self.post(data, client=Client())
        self.assertIn("已经提交过", main_text(replay))
        self.assertNotIn("查看第一次提交", main_text(replay))
        self.assertEqual(ReviewSuggestion.objects.count(), 1)

    def test_the_token_is_single_use_whatever_the_content(self):
        data = valid_data()
        self.assertEqual(self.post(data).status_code, 303)
        changed = self.post({**data, "issues": "另一个问题。"}, client=Client())
        self.assertIn("已经提交过", main_text(changed))
        self.assertEqual(ReviewSuggestion.objects.count(), 1)

    def test_identical_content_within_minutes_is_stored_once(self):
        with freeze_time("2026-06-01 02:00:00") as clock:
            self.assertEqual(self.post(valid_data()).status_code, 303)
            clock.tick(datetime.timedelta(minutes=9))
            # A fresh form (a new token), the same text: a copy sent again.
            again = self.post(valid_data())
            self.assertIn("已经提交过", main_text(again))
            # The browser that sent it can still see the codes of the first one.
            self.assertIn("查看第一次提交所得的受理编号和查询码", main_text(again))
            self.assertEqual(ReviewSuggestion.objects.count(), 1)
            clock.tick(datetime.timedelta(minutes=2))
            self.assertEqual(self.post(valid_data()).status_code, 303)
            # Different content is another suggestion at once.
            self.assertEqual(self.post(valid_data(issues="第六条。")).status_code, 303)
        self.assertEqual(ReviewSuggestion.objects.count(), 3)


class TestRateLimit(SuggestionData):
    def test_five_submissions_per_hour_per_ip(self):
        for n in range(5):
            response = self.post(valid_data(issues=f"问题{n}"), REMOTE_ADDR="10.1.1.1")
            self.assertEqual(response.status_code, 303)
        response = self.post(valid_data(issues="第六条"), REMOTE_ADDR="10.1.1.1")
        self.assertEqual(response.status_code, 429)
        self.assertIn("您提交得过于频繁", main_text(response))
        self.assertEqual(ReviewSuggestion.objects.count(), 5)
        # Another address is not affected.
        self.assertEqual(self.post(valid_data(), REMOTE_ADDR="10.2.2.2").status_code, 303)

    def test_corrections_of_an_invalid_form_do_not_use_up_the_limit(self):
        for _ in range(8):
            response = self.post(valid_data(contact="bad"), REMOTE_ADDR="10.3.3.3")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.post(valid_data(), REMOTE_ADDR="10.3.3.3").status_code, 303)

    def test_honeypot_hits_count_against_the_limit(self):
        for _ in range(5):
            self.post(valid_data(website="spam"), REMOTE_ADDR="10.4.4.4")
        response = self.post(valid_data(), REMOTE_ADDR="10.4.4.4")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(ReviewSuggestion.objects.count(), 0)

    def test_ipv6_counts_per_64(self):
        # A client picks any address of its /64 at will: the /64 is one bucket.
        for n in range(5):
            response = self.post(
                valid_data(issues=f"问题{n}"), REMOTE_ADDR=f"2001:db8:5:6:{n:x}::{n + 1}"
            )
            self.assertEqual(response.status_code, 303)
        limited = self.post(valid_data(), REMOTE_ADDR="2001:db8:5:6:ffff::1")
        self.assertEqual(limited.status_code, 429)
        self.assertEqual(self.post(valid_data(), REMOTE_ADDR="2001:db8:5:7::1").status_code, 303)

    def test_a_missing_client_address_does_not_break_the_form(self):
        # Behind a proxy on a Unix socket REMOTE_ADDR is empty: one shared bucket, not a 500.
        self.assertEqual(self.post(valid_data(), REMOTE_ADDR="").status_code, 303)
        self.assertEqual(ReviewSuggestion.objects.count(), 1)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_nginx_each_citizen_has_a_bucket_of_their_own(self):
        # nginx appends the address it saw; REMOTE_ADDR is nginx's own for every citizen.
        proxy = {"REMOTE_ADDR": "10.9.9.1"}
        for n in range(5):
            response = self.post(
                valid_data(issues=f"问题{n}"), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy
            )
            self.assertEqual(response.status_code, 303)
        limited = self.post(valid_data(), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        self.assertEqual(limited.status_code, 429)
        other = self.post(valid_data(), HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
        self.assertEqual(other.status_code, 303)

    @override_settings(DOCUMENTS_SUGGESTION_ATTEMPT_RATE="3/h")
    def test_any_posting_is_capped(self):
        for _ in range(3):
            self.post(valid_data(contact="bad"), REMOTE_ADDR="10.5.5.5")
        response = self.post(valid_data(), REMOTE_ADDR="10.5.5.5")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(ReviewSuggestion.objects.count(), 0)


class TrackingData(SuggestionData):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.replied = ReviewSuggestionFactory(
            document=cls.document,
            name=SECRET_NAME,
            contact=SECRET_EMAIL,
            status=ReviewSuggestion.REPLIED,
            reply="经审查，该办法第五条已由制定机关纠正。",
            replied_at=timezone.make_aware(datetime.datetime(2026, 5, 28, 10)),
        )
        cls.pending = ReviewSuggestionFactory(
            document=None,
            document_title="某乡镇的通知",
            name=SECRET_NAME,
            contact=SECRET_PHONE,
            status=ReviewSuggestion.PROCESSING,
            reply="尚未定稿的答复",
        )

    def track(self, number, code, **extra):
        return self.client.post(
            self.track_url, {"tracking_number": number, "check_code": code}, **extra
        )


class TestTracking(TrackingData):
    def test_status_and_reply_with_the_right_codes(self):
        response = self.track(self.replied.tracking_number, self.replied.check_code.lower())
        self.assertEqual(response.status_code, 200)
        text = main_text(response)
        for expected in (
            "县城区停车场管理办法",
            "已答复",
            "经审查，该办法第五条已由制定机关纠正。",
            "2026年5月28日",
        ):
            self.assertIn(expected, text)
        self.assertIn("no-referrer", response["Referrer-Policy"])
        self.assertIn("no-cache", response["Cache-Control"])
        html = response.content.decode()
        for private in (SECRET_NAME, SECRET_EMAIL, self.replied.issues, self.replied.reasons):
            self.assertNotIn(private, html)

    def test_a_reply_not_yet_given_is_not_shown(self):
        response = self.track(self.pending.tracking_number, self.pending.check_code)
        self.assertEqual(response.status_code, 200)
        self.assertIn("办理中", main_text(response))
        self.assertIn("某乡镇的通知", main_text(response))
        self.assertNotIn("尚未定稿的答复", response.content.decode())

    def test_wrong_code_and_unknown_number_are_the_same_404(self):
        wrong = self.track(self.replied.tracking_number, "AAAAAAAA")
        unknown = self.track("JY20990101000000", self.replied.check_code)
        other = self.track(self.replied.tracking_number, self.pending.check_code)
        for response in (wrong, unknown, other):
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("经审查，该办法第五条", response.content.decode())
        self.assertEqual(
            parse(wrong).select_one(".notice").get_text(strip=True),
            parse(unknown).select_one(".notice").get_text(strip=True),
        )
        self.assertIn("未找到与该受理编号和查询码相符的审查建议", main_text(wrong))

    def test_missing_fields_get_messages(self):
        response = self.client.post(self.track_url, {"tracking_number": "", "check_code": ""})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(error_texts(response), ["请填写受理编号。", "请填写查询码。"])

    def test_the_form_posts_with_a_csrf_token(self):
        form = parse(self.client.get(self.track_url)).select_one("form.track-form")
        self.assertEqual(form["method"], "post")
        self.assertIsNotNone(form.select_one("input[name=csrfmiddlewaretoken]"))

    def test_the_form_is_refused_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            self.track_url,
            {
                "tracking_number": self.replied.tracking_number,
                "check_code": self.replied.check_code,
            },
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.replied.reply, response.content.decode())

    @override_settings(DOCUMENTS_TRACK_RATE="3/h")
    def test_an_old_link_with_the_codes_is_harmless(self):
        # A GET with the codes in its query string looks nothing up and counts nothing.
        query = {
            "tracking_number": self.replied.tracking_number,
            "check_code": self.replied.check_code,
        }
        for _ in range(5):
            response = self.client.get(self.track_url, query, REMOTE_ADDR="10.8.8.8")
            self.assertEqual(response.status_code, 200)
            html = response.content.decode()
            self.assertNotIn(self.replied.reply, html)
            self.assertNotIn(self.replied.check_code, html)
            self.assertIn("不再接受写在网址中的受理编号和查询码", main_text(response))
            self.assertEqual(response["Referrer-Policy"], "no-referrer")
        form = parse(response).select_one("form.track-form")
        self.assertEqual(form.select_one("input[name=check_code]").get("value", ""), "")
        # Not rate-limited by those GETs: the POST is answered.
        self.assertEqual(self.track(*query.values(), REMOTE_ADDR="10.8.8.8").status_code, 200)

    def test_a_check_code_of_other_characters_gets_a_message(self):
        # Non-ASCII made the constant-time comparison raise: a 500 (tests/security/test_fuzz.py).
        for code in ("\x80", "查询码", "ＡＢＣＤ１２３４", "ABCD-1234"):
            with self.subTest(code=code):
                response = self.track(self.replied.tracking_number, code)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    error_texts(response), ["查询码由字母和数字组成，请核对后重新输入。"]
                )
                self.assertNotIn(self.replied.reply, response.content.decode())

    def test_empty_form(self):
        response = self.client.get(self.track_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(h1_texts(response), ["审查建议办理情况查询"])
        self.assertIsNotNone(parse(response).select_one("form input[name=check_code]"))

    @override_settings(DOCUMENTS_TRACK_RATE="3/h")
    def test_lookups_are_rate_limited_per_ip(self):
        for _ in range(3):
            self.track("JY20990101000000", "AAAAAAAA", REMOTE_ADDR="10.6.6.6")
        response = self.track(
            self.replied.tracking_number, self.replied.check_code, REMOTE_ADDR="10.6.6.6"
        )
        self.assertEqual(response.status_code, 429)
        self.assertNotIn(self.replied.reply, response.content.decode())
        ok = self.track(
            self.replied.tracking_number, self.replied.check_code, REMOTE_ADDR="10.7.7.7"
        )
        self.assertEqual(ok.status_code, 200)


class TestNoContactDetailsInPublicHtml(TrackingData):
    def test_no_public_page_shows_a_name_or_contact(self):
        ConcludedReviewFactory(document=self.document, suggestion=self.replied, kind="on_request")
        urls = [
            self.url,
            f"{self.url}?q=停车",
            f"{self.url}{self.document.pk}/",
            f"{self.url}statistics/",
            f"{self.url}catalogue/",
            f"{self.url}catalogue/2026/",
            self.suggest_url,
            f"{self.suggest_url}?document={self.document.pk}",
            self.track_url,
            "/sitemap.xml",
            "/",
        ]
        responses = [self.client.get(url) for url in urls]
        responses.append(self.track(self.replied.tracking_number, self.replied.check_code))
        responses.append(self.track(self.pending.tracking_number, self.pending.check_code))
        submitted = self.post(valid_data(name="另一位建议人", contact="13700001111"))
        self.assertEqual(submitted.status_code, 303, summary_text(submitted))
        responses.append(self.client.get(submitted["Location"]))
        for response in responses:
            self.assertEqual(response.status_code, 200, response.wsgi_request.get_full_path())
            html = response.content.decode()
            for private in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL, "另一位建议人", "13700001111"):
                with self.subTest(url=response.wsgi_request.get_full_path(), value=private):
                    self.assertNotIn(private, html)
