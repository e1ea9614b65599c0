def test_a_missing_page_answers_404_in_vietnamese(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_user_without_an_officer_profile_is_told_why_they_cannot_enrol(client, db):
    from django.contrib.auth import get_user_model

    from tests.courses.pages import make_course

    course = make_course()
    get_user_model().objects.create_user("khach", password="Mat-khau-2026")
    client.login(username="khach", password="Mat-khau-2026")
    response = client.post(f"/courses/{course.pk}/enrol/")
    assert response.status_code == 403
    assert "Chỉ cán bộ có hồ sơ mới tham gia khóa học được." in response.content.decode()
