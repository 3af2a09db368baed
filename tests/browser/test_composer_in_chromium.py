"""The composer's school, quiz push and CSV list with its consent basis, in a real headless
Chromium: the script shows the audience chosen and turns the texts off for a quiz, the preview
shows the quiz's opening, a list is refused until consent is stated and confirmed, and a real
RQ worker sends what was confirmed to the local gateway."""

from tests.broadcast_helpers import received


def register_students(app, school, numbers, county="Uasin Gishu"):
    from sms_service.domain.quizzes.schools import register_school
    with app.services.database.transaction() as session:
        for number in numbers:
            register_school(session, number, school, county, "en")


def test_a_quiz_pushed_to_a_school_from_the_composer_reaches_its_students(page, server, run_jobs):
    register_students(server, "Moi Girls Eldoret", ["+254722100001"])
    register_students(server, "Kapsabet Boys", ["+254722100003"])
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    assert page.find('.audience-part[data-audience="list"]').get_attribute("hidden") is not None
    page.type("input[name=name]", "ATT quiz for Moi Girls").type("input[name=school]", "moi girls eldoret")
    assert page.find("textarea[name=text_en]").is_enabled()
    page.find("#quiz").send_keys("Arms Trade Treaty")  # picks the option by its name
    page.wait(lambda driver: not page.find("textarea[name=text_en]").is_enabled(), message="the texts stay on")
    page.click("input[name=urgent]")
    page.click("#preview-button").wait_for_text("#recipients", "1")
    page.wait_for_text("#preview", "Q1/4 When did the Arms Trade Treaty")
    assert not page.find("textarea[name=text_en]").is_enabled()  # the quiz is still chosen after the preview
    page.click("#confirm").wait_for_text("main", "Audience: school moi girls eldoret; quiz att")
    assert run_jobs(server)
    page.wait_for_text("#status", "completed")
    [opening] = received(server, "+254722100001")
    assert opening.startswith("Arms Trade Treaty quiz (4 questions):\nQ1/4")
    assert received(server, "+254722100003") == []


def test_a_csv_list_needs_its_consent_stated_and_confirmed(page, server, run_jobs, tmp_path):
    listed = tmp_path / "festival.csv"
    listed.write_text("name,phone\nAmina,0711000001\nAli,0711000002\n")
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    page.type("input[name=name]", "Festival thanks").type("textarea[name=text_en]", "Thank you for visiting Haki Yetu")
    page.click("input[name=audience][value=list]")
    page.wait(lambda driver: page.find('.audience-part[data-audience="topics"]').get_attribute("hidden") is not None,
              message="the topics stay shown")
    page.find("input[name=numbers]").send_keys(str(listed))
    page.click("#preview-button").wait_for_text("#errors", "confirm that every person on the list agreed")
    page.type("textarea[name=consent_basis]", "They agreed")
    page.click("input[name=consent_confirmed]")
    page.click("#preview-button")  # the browser itself holds a basis under 15 characters back
    assert page.browser.execute_script("return document.querySelector('textarea[name=consent_basis]').validity.tooShort")
    page.type("textarea[name=consent_basis]", "Signed the visitors' list at the Kisumu ASK show, 2026-11-20")
    page.click("#preview-button").wait_for_text("#recipients", "2")  # the list is kept: no second upload
    page.wait_for_text("#audience", "List read: 2 numbers.")
    page.click("#confirm").wait_for_text("main", "Consent of the people on the list, as stated: Signed the visitors'")
    assert run_jobs(server)
    page.wait_for_text("#status", "completed")
    assert received(server, "+254711000002") == ["Thank you for visiting Haki Yetu"]
