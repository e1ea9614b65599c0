"""Demo question banks and quizzes for the three demo courses, and demo officers' attempts.

The questions are in Vietnamese and say only what the project's domain notes and the demo
lessons say (laws and decrees with their numbers and dates); each wrong answer explains why it
is wrong, and each question ends with an explanation. The banks follow the sample questions of
DOMAIN.md §8 and add more from §2–4.

Two steps, because a quiz placed in a course gates its completion:

* `seed_quizzes()` — categories, questions and quizzes, keyed by quiz slug and by question name
  within its category; run it before `demo.catalogue.seed_courses()`, so that demo officers who
  finish every lesson are not marked complete without a quiz;
* `seed_quiz_attempts()` — after the courses: demo officers who have done every required lesson
  pass the course's quiz (some at the second try), some half-way officers have a failed try,
  and one officer's essay waits for a trainer. The attempts go through assessments.attempts at
  fixed times in the past, and the enrolments and lesson completions are dated before them.

Both are idempotent: a second run changes nothing and creates nothing.
"""

import datetime
import random
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from assessments import attempts
from assessments.models import (
    Answer,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    QuizRandomDraw,
)
from assessments.versions import question_version
from courses import progress
from courses.models import CoursePage, Enrolment, LessonCompletion
from courses.text import fold

from .accounts import demo_officers
from .catalogue import COURSES

# ---------------------------------------------------------------------------------------------
# Building blocks of a question


def _answer(text, fraction, feedback=""):
    return {"text": text, "fraction": Decimal(fraction), "feedback": feedback}


def right(text, feedback=""):
    return _answer(text, 1, feedback)


def wrong(text, feedback):
    return _answer(text, 0, feedback)


def single(name, text, answers, general, shuffle=True):
    """One right answer among several; `answers` are right(...) and wrong(...)."""
    return {
        "kind": Question.Kind.SINGLE,
        "name": name,
        "text": f"<p>{text}</p>",
        "answers": answers,
        "general_feedback": general,
        "shuffle_answers": shuffle,
    }


def true_false(name, statement, is_true, general, feedback):
    """“Đúng hay sai”; `feedback` explains the mistake to whoever picks the wrong side."""
    return {
        "kind": Question.Kind.TRUE_FALSE,
        "name": name,
        "text": f"<p>Đúng hay sai: {statement}</p>",
        "answers": [
            _answer("Đúng", 1 if is_true else 0, "" if is_true else feedback),
            _answer("Sai", 0 if is_true else 1, feedback if is_true else ""),
        ],
        "general_feedback": general,
        "shuffle_answers": False,
    }


SEVEN_PLACES = Decimal("0.0000001")


def multiple(name, text, right_answers, wrong_answers, general):
    """Several right answers sharing the mark (summing to exactly 1); each wrong one takes
    back an equal share, so ticking every box earns nothing. Answers are (text, feedback)."""
    share = (Decimal(1) / len(right_answers)).quantize(SEVEN_PLACES, ROUND_DOWN)
    shares = [share] * (len(right_answers) - 1) + [1 - share * (len(right_answers) - 1)]
    penalty = -(Decimal(1) / len(wrong_answers)).quantize(SEVEN_PLACES, ROUND_DOWN)
    return {
        "kind": Question.Kind.MULTIPLE,
        "name": name,
        "text": f"<p>{text} <i>(Chọn tất cả các ý đúng.)</i></p>",
        "answers": [
            _answer(answer, fraction, feedback)
            for (answer, feedback), fraction in zip(right_answers, shares, strict=True)
        ]
        + [_answer(answer, penalty, feedback) for answer, feedback in wrong_answers],
        "general_feedback": general,
        "shuffle_answers": True,
    }


def short(name, text, accepted, general, mistake):
    """A typed answer compared without Vietnamese accents (officers often type on phones);
    `mistake` is a typical wrong answer, used only by the demo attempts."""
    return {
        "kind": Question.Kind.SHORT,
        "name": name,
        "text": f"<p>{text}</p>",
        "answers": [right(answer) for answer in accepted],
        "general_feedback": general,
        "shuffle_answers": False,
        "accent_insensitive": True,
        "mistake": mistake,
    }


def essay(name, text, guidance, mark):
    return {
        "kind": Question.Kind.ESSAY,
        "name": name,
        "text": text,
        "answers": [],
        "general_feedback": guidance,
        "shuffle_answers": False,
        "default_mark": Decimal(mark),
    }


# ---------------------------------------------------------------------------------------------
# Course A — Chữ ký số chuyên dùng công vụ (DOMAIN.md §2, §8 A). A bank of 15; each attempt
# draws 10 at random.

SIGNATURE_QUESTIONS = [
    single(
        "CKS-01 Loại chữ ký dùng trong hoạt động công vụ",
        "Khi ký số văn bản điện tử của UBND xã trong hoạt động công vụ, cán bộ, công chức dùng "
        "loại chữ ký nào?",
        [
            right("Chữ ký số chuyên dùng công vụ"),
            wrong(
                "Chữ ký số công cộng",
                "Chưa đúng. Chữ ký số công cộng dùng trong hoạt động công cộng, do các tổ chức "
                "cung cấp dịch vụ chứng thực chữ ký số công cộng cấp (ví dụ chữ ký số doanh "
                "nghiệp dùng để khai thuế), không phải loại dùng cho văn bản của cơ quan nhà "
                "nước.",
            ),
            wrong(
                "Chữ ký điện tử chuyên dùng",
                "Chưa đúng. Chữ ký điện tử chuyên dùng do một cơ quan, tổ chức tạo lập và dùng "
                "riêng cho hoạt động của mình; Luật Giao dịch điện tử 2023 tách riêng chữ ký số "
                "chuyên dùng công vụ cho hoạt động công vụ.",
            ),
            wrong(
                "Hình ảnh chữ ký tay được chụp và dán vào tệp PDF",
                "Chưa đúng. Hình ảnh chữ ký chỉ là phần hiển thị, không phải chữ ký số; tệp "
                "được dán hình ảnh chữ ký bị phát hiện ngay khi kiểm tra.",
            ),
        ],
        "Luật Giao dịch điện tử số 20/2023/QH15 (hiệu lực từ 01/7/2024), Điều 22, phân biệt "
        "chữ ký điện tử chuyên dùng, chữ ký số công cộng và chữ ký số chuyên dùng công vụ. Văn "
        "bản của cơ quan nhà nước được ký bằng chữ ký số chuyên dùng công vụ, quy định tại Nghị "
        "định 68/2024/NĐ-CP.",
    ),
    single(
        "CKS-02 Tổ chức cấp chứng thư chuyên dùng công vụ",
        "Tổ chức nào cung cấp dịch vụ chứng thực chữ ký số chuyên dùng công vụ, tức là cấp "
        "chứng thư cho cán bộ, công chức?",
        [
            right("Ban Cơ yếu Chính phủ"),
            wrong(
                "Doanh nghiệp cung cấp phần mềm quản lý văn bản (VNPT, Viettel…)",
                "Chưa đúng. Các phần mềm quản lý văn bản tích hợp dịch vụ ký của Ban Cơ yếu "
                "Chính phủ, nhưng chứng thư chuyên dùng công vụ vẫn do Ban Cơ yếu Chính phủ cấp.",
            ),
            wrong(
                "UBND xã tự cấp cho cán bộ của mình",
                "Chưa đúng. UBND xã là cơ quan quản lý trực tiếp: lập văn bản đề nghị cấp. Việc "
                "cấp chứng thư do Ban Cơ yếu Chính phủ thực hiện.",
            ),
            wrong(
                "Cơ quan Công an, cùng với tài khoản VNeID",
                "Chưa đúng. Cơ quan Công an hướng dẫn người dân đăng ký tài khoản định danh điện "
                "tử VNeID; đó là việc khác. Chứng thư chữ ký số chuyên dùng công vụ do Ban Cơ "
                "yếu Chính phủ cấp.",
            ),
        ],
        "Ban Cơ yếu Chính phủ là tổ chức cung cấp dịch vụ chứng thực chữ ký số chuyên dùng công "
        "vụ (Nghị định 68/2024/NĐ-CP). Chứng thư được cấp cho cá nhân, cho cơ quan, tổ chức và "
        "cho thiết bị, phần mềm.",
    ),
    single(
        "CKS-03 Thời hạn chứng thư cấp mới",
        "Chứng thư chữ ký số chuyên dùng công vụ <b>cấp mới</b> cho thuê bao có thời hạn tối "
        "đa bao lâu?",
        [
            wrong(
                "3 năm",
                "Chưa đúng. 3 năm là thời hạn tối đa của chứng thư được gia hạn, không phải của "
                "chứng thư cấp mới.",
            ),
            right("5 năm"),
            wrong(
                "20 năm",
                "Chưa đúng. 20 năm là thời hạn chứng thư của tổ chức cung cấp dịch vụ, không "
                "phải của thuê bao.",
            ),
            wrong(
                "Không có thời hạn",
                "Chưa đúng. Chứng thư nào cũng có thời hạn; khi sắp hết hạn mà vẫn cần ký số "
                "thì cơ quan đề nghị gia hạn.",
            ),
        ],
        "Theo Nghị định 68/2024/NĐ-CP: chứng thư của tổ chức cung cấp dịch vụ có thời hạn 20 "
        "năm; chứng thư cấp mới cho thuê bao tối đa 5 năm; chứng thư gia hạn tối đa 3 năm.",
        shuffle=False,
    ),
    true_false(
        "CKS-04 Thời hạn chứng thư gia hạn",
        "Khi được gia hạn, chứng thư chữ ký số chuyên dùng công vụ có thời hạn tối đa 5 năm, "
        "như khi cấp mới.",
        False,
        "Nghị định 68/2024/NĐ-CP: chứng thư cấp mới tối đa 5 năm, chứng thư gia hạn tối đa 3 "
        "năm. Nên theo dõi thời hạn và đề nghị gia hạn sớm để không bị gián đoạn việc ký.",
        "Chưa đúng. Chứng thư gia hạn chỉ có thời hạn tối đa 3 năm; 5 năm là thời hạn tối đa "
        "của chứng thư cấp mới.",
    ),
    single(
        "CKS-05 Mất USB token",
        "Một công chức phát hiện bị mất USB token. Việc <b>đầu tiên</b> cần làm là gì?",
        [
            right(
                "Báo ngay cho lãnh đạo và bộ phận phụ trách chữ ký số để cơ quan đề nghị thu "
                "hồi chứng thư"
            ),
            wrong(
                "Chờ vài ngày xem có tìm lại được không rồi mới báo",
                "Chưa đúng. Khóa bí mật nằm trong thiết bị: người nhặt được có thể dùng nó nếu "
                "biết mã PIN. Phải báo ngay để cơ quan đề nghị thu hồi chứng thư.",
            ),
            wrong(
                "Tự liên hệ nhà cung cấp xin thiết bị mới, vẫn giữ chứng thư cũ",
                "Chưa đúng. Cán bộ không tự đăng ký với nhà cung cấp; cơ quan quản lý trực tiếp "
                "đề nghị thu hồi chứng thư cũ, rồi mới đề nghị cấp chứng thư mới.",
            ),
            wrong(
                "Mượn USB token của đồng nghiệp để ký tạm",
                "Chưa đúng. Không dùng chứng thư của người khác: văn bản ký bằng chứng thư của "
                "ai là trách nhiệm của người đó.",
            ),
        ],
        "Nghị định 68/2024/NĐ-CP: chứng thư bị thu hồi khi khóa bí mật bị mất, bị lộ hoặc "
        "thiết bị lưu khóa bị hỏng, theo đề nghị của cơ quan quản lý trực tiếp. Sau khi thu "
        "hồi, cơ quan đề nghị cấp chứng thư mới – có thể chọn SIM PKI hoặc ký số từ xa.",
    ),
    single(
        "CKS-06 Chứng thư sau sắp xếp đơn vị hành chính",
        "Sau sắp xếp đơn vị hành chính năm 2025, tên cơ quan của một công chức thay đổi. Với "
        "chứng thư chữ ký số của công chức đó, cơ quan cần đề nghị gì?",
        [
            right("Thay đổi thông tin chứng thư"),
            wrong(
                "Cấp mới chứng thư",
                "Chưa đúng. Công văn 275/BCY-CTSBMTT ngày 16/5/2025 của Ban Cơ yếu Chính phủ "
                "hướng dẫn: trong quá trình sắp xếp, đề nghị thay đổi thông tin chứng thư, không "
                "đề nghị cấp mới.",
            ),
            wrong(
                "Thu hồi chứng thư",
                "Chưa đúng. Thu hồi dùng khi khóa bí mật bị mất, bị lộ hoặc thiết bị bị hỏng; "
                "đổi tên cơ quan chỉ cần thay đổi thông tin.",
            ),
            wrong(
                "Không cần làm gì, chứng thư tự cập nhật",
                "Chưa đúng. Thông tin trên chứng thư phải khớp với cơ quan ban hành văn bản; cơ "
                "quan quản lý trực tiếp phải gửi đề nghị thay đổi thông tin.",
            ),
        ],
        "Sáu tháng đầu năm 2025, Ban Cơ yếu Chính phủ đã xử lý khoảng 103.000 chứng thư thay "
        "đổi sau sắp xếp. Theo Công văn 275/BCY-CTSBMTT ngày 16/5/2025, trong quá trình sắp "
        "xếp, cơ quan đề nghị thay đổi thông tin chứng thư thay vì cấp mới.",
    ),
    short(
        "CKS-07 Người ký số của cơ quan khi phát hành",
        "Văn bản điện tử do UBND xã ban hành mang hai chữ ký số: chữ ký cá nhân của người có "
        "thẩm quyền và chữ ký số của cơ quan. Khi phát hành, <b>ai</b> giữ và ký số của cơ "
        "quan? (Gõ tên chức danh.)",
        ["văn thư", "cán bộ văn thư", "công chức văn thư"],
        "Chữ ký số của cơ quan do văn thư giữ và thực hiện khi phát hành, thay cho việc đóng "
        "dấu trên văn bản giấy. Người có thẩm quyền (Chủ tịch, Phó Chủ tịch UBND…) ký phê duyệt "
        "bằng chữ ký số cá nhân.",
        mistake="chủ tịch",
    ),
    multiple(
        "CKS-08 Nội dung kiểm tra chữ ký số",
        "Kiểm tra (xác thực) chữ ký số trên một văn bản điện tử gồm những nội dung nào?",
        [
            ("Hiệu lực của chứng thư: còn thời hạn, chưa bị thu hồi", ""),
            ("Tính toàn vẹn của tệp: không bị sửa sau khi ký", ""),
            ("Thời gian ký nằm trong thời hạn hiệu lực của chứng thư", ""),
        ],
        [
            (
                "Hình ảnh chữ ký và con dấu hiển thị rõ nét trên trang",
                "Chưa đúng. Hình ảnh chỉ là phần hiển thị; giá trị nằm ở chữ ký số bên trong "
                "tệp. Một tệp dán hình ảnh chữ ký vẫn không có chữ ký số hợp lệ.",
            ),
            (
                "Tệp được gửi từ địa chỉ thư điện tử quen biết",
                "Chưa đúng. Địa chỉ người gửi không chứng minh được ai ký và tệp có bị sửa hay "
                "không; chỉ kết quả kiểm tra chữ ký số cho biết điều đó.",
            ),
        ],
        "Kiểm tra chữ ký số gồm ba điều: chứng thư còn hiệu lực (do tổ chức có thẩm quyền cấp, "
        "còn thời hạn, chưa bị thu hồi vào thời điểm ký), tệp toàn vẹn (không bị sửa sau khi "
        "ký) và thời điểm ký nằm trong thời hạn của chứng thư. Nghị định 30/2020/NĐ-CP, Điều 21 "
        "khoản 2, yêu cầu kiểm tra tính xác thực và toàn vẹn của văn bản điện tử đến.",
    ),
    multiple(
        "CKS-09 Hình thức chữ ký số chuyên dùng công vụ",
        "Chữ ký số chuyên dùng công vụ hiện được cấp dưới những hình thức nào?",
        [
            ("USB token", ""),
            ("SIM PKI", ""),
            ("Ký số tập trung (ký số từ xa)", ""),
        ],
        [
            (
                "Tệp ảnh chữ ký lưu trên máy tính",
                "Chưa đúng. Tệp ảnh chữ ký chỉ là hình ảnh hiển thị, không chứa khóa bí mật nên "
                "không phải chữ ký số.",
            ),
            (
                "Tài khoản định danh điện tử VNeID",
                "Chưa đúng. VNeID là tài khoản định danh điện tử, dùng để đăng nhập Cổng Dịch vụ "
                "công quốc gia; không phải chữ ký số chuyên dùng công vụ.",
            ),
        ],
        "Sáu tháng đầu năm 2025, Ban Cơ yếu Chính phủ cấp mới khoảng 147.000 chứng thư: khoảng "
        "74.000 ký số tập trung, 60.000 USB token và 3.000 SIM PKI. Ký số từ xa đã chiếm khoảng "
        "một nửa số cấp mới, nên cán bộ cần biết dùng cả ba hình thức.",
    ),
    single(
        "CKS-10 Chứng thư dùng khi ký phát hành",
        "Trên phần mềm quản lý văn bản, văn thư bấm “Ký phát hành” một văn bản đã được Chủ "
        "tịch UBND xã ký. Văn thư chọn chứng thư nào?",
        [
            right("Chứng thư của cơ quan (UBND xã)"),
            wrong(
                "Chứng thư cá nhân của văn thư",
                "Chưa đúng. Chữ ký cá nhân chỉ cho biết ai ký; khi phát hành, văn thư ký bằng "
                "chữ ký số của cơ quan, thay cho đóng dấu.",
            ),
            wrong(
                "Chứng thư cá nhân của Chủ tịch UBND xã",
                "Chưa đúng. Chủ tịch đã ký phê duyệt bằng chữ ký số cá nhân của mình; văn thư "
                "không bao giờ dùng chứng thư của người khác.",
            ),
        ],
        "Ký phát hành (chức năng vgca_sign_issued) là bước văn thư ký bằng chữ ký số của cơ "
        "quan, đồng thời thể hiện số, ký hiệu và ngày ban hành – thay cho đóng dấu. Nghị định "
        "30/2020/NĐ-CP, Điều 14: cấp số, thời gian ban hành → đăng ký → ký số của cơ quan → "
        "phát hành.",
    ),
    single(
        "CKS-11 Dịch vụ ký trên máy tính",
        "Phần mềm quản lý văn bản chạy trên trình duyệt báo “không kết nối được dịch vụ ký”. "
        "Thành phần nào trên máy tính cần được kiểm tra?",
        [
            right(
                "VGCA Sign Service – dịch vụ ký của Ban Cơ yếu Chính phủ, lắng nghe tại cổng "
                "8987 trên máy"
            ),
            wrong(
                "Ứng dụng VNeID trên điện thoại",
                "Chưa đúng. VNeID là tài khoản định danh điện tử, không tham gia việc ký số văn "
                "bản trên máy tính.",
            ),
            wrong(
                "Phần mềm soạn thảo văn bản",
                "Chưa đúng. Phần mềm soạn thảo không đọc USB token; trình duyệt gửi tệp tới "
                "dịch vụ ký VGCA Sign Service để ký.",
            ),
            wrong(
                "Máy in của cơ quan",
                "Chưa đúng. Việc ký số không cần máy in; văn bản điện tử được ký và gửi đi dưới "
                "dạng tệp.",
            ),
        ],
        "Trình duyệt không tự đọc được USB token: phần mềm gọi tới VGCA Sign Service chạy nền "
        "trên máy, lắng nghe tại cổng 8987. Nếu không kết nối được: khởi động lại dịch vụ hoặc "
        "máy, và nhờ bộ phận CNTT kiểm tra phần mềm diệt virus, tường lửa không chặn cổng 8987.",
    ),
    true_false(
        "CKS-12 Đưa mã PIN cho người khác ký hộ",
        "Khi lãnh đạo đi công tác, có thể đưa mã PIN của USB token cho văn thư để văn thư ký "
        "hộ văn bản.",
        False,
        "Không cho mượn thiết bị, không đưa mã PIN để người khác ký hộ: mọi văn bản ký bằng "
        "chứng thư của bạn đều là trách nhiệm của bạn. Khi đi công tác, lãnh đạo có thể ký "
        "trên điện thoại bằng SIM PKI hoặc ký số từ xa.",
        "Chưa đúng. Văn bản ký bằng chứng thư của lãnh đạo là trách nhiệm của lãnh đạo; không "
        "ai được ký hộ. Khi đi công tác, hãy ký bằng SIM PKI hoặc ký số từ xa.",
    ),
    true_false(
        "CKS-13 Nghị định 23/2025/NĐ-CP",
        "Nghị định 23/2025/NĐ-CP (thay thế Nghị định 130/2018/NĐ-CP từ 10/4/2025) là văn bản "
        "quy định về chữ ký số chuyên dùng công vụ.",
        False,
        "Nghị định 23/2025/NĐ-CP thay thế Nghị định 130/2018/NĐ-CP nhưng không điều chỉnh chữ "
        "ký số chuyên dùng công vụ; loại chữ ký này theo Nghị định 68/2024/NĐ-CP (hiệu lực từ "
        "15/8/2024).",
        "Chưa đúng. Nghị định 23/2025/NĐ-CP không điều chỉnh chữ ký số chuyên dùng công vụ; "
        "văn bản áp dụng là Nghị định 68/2024/NĐ-CP.",
    ),
    single(
        "CKS-14 Chức năng dùng để ký nháy",
        "Lãnh đạo bộ phận xác nhận trên dự thảo trước khi trình người có thẩm quyền ký (ký "
        "nháy). Trên phần mềm, việc này dùng chức năng ký nào?",
        [
            right("Ký phê duyệt, bằng chữ ký số cá nhân"),
            wrong(
                "Ký phát hành, bằng chữ ký số của cơ quan",
                "Chưa đúng. Ký phát hành là việc của văn thư, bằng chữ ký số của cơ quan, sau "
                "khi người có thẩm quyền đã ký.",
            ),
            wrong(
                "Ký văn bản đến",
                "Chưa đúng. Ký văn bản đến là việc văn thư xác nhận khi tiếp nhận văn bản điện "
                "tử đến, tương tự đóng dấu “Đến”.",
            ),
            wrong(
                "Ký sao văn bản",
                "Chưa đúng. Ký sao dùng để tạo bản sao điện tử của văn bản đã ban hành.",
            ),
        ],
        "Chức năng ký phê duyệt (vgca_sign_approved) dùng cho chữ ký của người có thẩm quyền và "
        "cả cho ký nháy trên dự thảo. Ký phát hành, ký văn bản đến, ký sao và ký tài liệu kèm "
        "theo là các chức năng khác, mỗi chức năng ứng với một bước của quy trình văn thư.",
    ),
    single(
        "CKS-15 Ai đề nghị cấp, gia hạn, thu hồi chứng thư",
        "Việc cấp mới, gia hạn, thay đổi thông tin hay thu hồi chứng thư của một công chức cấp "
        "xã được thực hiện theo đề nghị của ai?",
        [
            right("Cơ quan quản lý trực tiếp của công chức"),
            wrong(
                "Chính công chức, tự đăng ký với nhà cung cấp",
                "Chưa đúng. Cán bộ không tự đăng ký với nhà cung cấp; cơ quan quản lý trực tiếp "
                "lập văn bản đề nghị.",
            ),
            wrong(
                "Doanh nghiệp cung cấp phần mềm quản lý văn bản",
                "Chưa đúng. Doanh nghiệp phần mềm chỉ tích hợp dịch vụ ký; họ không đề nghị cấp "
                "hay thu hồi chứng thư.",
            ),
            wrong(
                "Trung tâm Phục vụ hành chính công của xã",
                "Chưa đúng. Trung tâm tiếp nhận và trả kết quả thủ tục hành chính cho người dân; "
                "không phải đầu mối đề nghị chứng thư cho cán bộ.",
            ),
        ],
        "Nghị định 68/2024/NĐ-CP: cấp mới, gia hạn, thay đổi thông tin và thu hồi chứng thư "
        "đều theo đề nghị của cơ quan quản lý trực tiếp, gửi tới Ban Cơ yếu Chính phủ hoặc đầu "
        "mối được giao tại tỉnh.",
    ),
]

# ---------------------------------------------------------------------------------------------
# Course B — Phần mềm quản lý văn bản và điều hành (DOMAIN.md §3, §8 B): 12 fixed questions.

DOCUMENT_QUESTIONS = [
    single(
        "VB-01 Bước đầu tiên với văn bản đến",
        "Theo Nghị định 30/2020/NĐ-CP, bước <b>đầu tiên</b> trong quản lý văn bản đến là gì?",
        [
            right("Tiếp nhận văn bản đến"),
            wrong(
                "Đăng ký văn bản đến",
                "Chưa đúng. Đăng ký là bước thứ hai, sau khi văn bản đã được tiếp nhận và kiểm "
                "tra.",
            ),
            wrong(
                "Trình, chuyển giao văn bản đến",
                "Chưa đúng. Văn bản chỉ được trình, chuyển giao sau khi đã tiếp nhận và đăng ký.",
            ),
            wrong(
                "Giải quyết và theo dõi, đôn đốc",
                "Chưa đúng. Đây là bước cuối cùng của trình tự quản lý văn bản đến.",
            ),
        ],
        "Nghị định 30/2020/NĐ-CP, Điều 20: tiếp nhận → đăng ký → trình, chuyển giao → giải "
        "quyết và theo dõi, đôn đốc việc giải quyết văn bản đến.",
        shuffle=False,
    ),
    single(
        "VB-02 Văn bản điện tử gửi sai nơi nhận",
        "Văn thư nhận được một văn bản điện tử gửi sai nơi nhận. Văn thư xử lý thế nào?",
        [
            right("Trả lại cho nơi gửi qua hệ thống, ghi rõ lý do"),
            wrong(
                "Xóa văn bản khỏi hệ thống",
                "Chưa đúng. Xóa đi thì nơi gửi không biết văn bản chưa đến đúng nơi; phải trả "
                "lại qua hệ thống.",
            ),
            wrong(
                "Vẫn đăng ký rồi trình lãnh đạo xã cho ý kiến",
                "Chưa đúng. Văn bản không gửi cho xã thì không đăng ký; trả lại cho nơi gửi "
                "ngay trên hệ thống.",
            ),
            wrong(
                "Báo nơi gửi qua thư điện tử cá nhân hoặc mạng xã hội",
                "Chưa đúng. Việc trả lại thực hiện trên hệ thống; không dùng thư điện tử cá "
                "nhân hay mạng xã hội cho văn bản của cơ quan.",
            ),
        ],
        "Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2: văn bản điện tử gửi sai nơi nhận hoặc "
        "không đúng quy định thì trả lại cho nơi gửi trên hệ thống.",
    ),
    single(
        "VB-03 Thời hạn thông báo đã nhận văn bản",
        "Cơ quan nhận văn bản điện tử phải thông báo cho nơi gửi về việc đã nhận văn bản khi nào?",
        [
            right("Ngay trong ngày"),
            wrong(
                "Khi đã giải quyết xong văn bản",
                "Chưa đúng. Thông báo đã nhận là việc của văn thư khi tiếp nhận, không chờ đến "
                "khi giải quyết xong.",
            ),
            wrong(
                "Khi lãnh đạo đã cho ý kiến chỉ đạo",
                "Chưa đúng. Việc thông báo đã nhận không phụ thuộc vào ý kiến chỉ đạo; phải làm "
                "ngay trong ngày tiếp nhận.",
            ),
            wrong(
                "Không cần thông báo, hệ thống tự biết",
                "Chưa đúng. Cơ quan nhận có nghĩa vụ thông báo; văn thư xác nhận đã nhận để hệ "
                "thống gửi thông báo cho nơi gửi.",
            ),
        ],
        "Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2: cơ quan nhận phải thông báo cho nơi gửi về "
        "việc đã nhận văn bản ngay trong ngày.",
    ),
    single(
        "VB-04 Trình tự phát hành văn bản đi",
        "Thứ tự nào đúng với trình tự quản lý văn bản đi điện tử theo Điều 14 Nghị định "
        "30/2020/NĐ-CP?",
        [
            right(
                "Cấp số, thời gian ban hành → đăng ký → ký số của cơ quan → phát hành và theo "
                "dõi → lưu"
            ),
            wrong(
                "Ký số của cơ quan → cấp số, thời gian ban hành → đăng ký → phát hành → lưu",
                "Chưa đúng. Văn thư cấp số, thời gian và đăng ký trước; chữ ký số của cơ quan "
                "được đặt sau, khi số và ngày đã có trên văn bản.",
            ),
            wrong(
                "Phát hành → cấp số → đăng ký → ký số của cơ quan → lưu",
                "Chưa đúng. Văn bản chỉ được phát hành khi đã có số, đã đăng ký và đã ký số của "
                "cơ quan.",
            ),
            wrong(
                "Đăng ký → phát hành → ký số của cơ quan → cấp số → lưu",
                "Chưa đúng. Cấp số, thời gian ban hành là bước đầu tiên; ký số của cơ quan phải "
                "có trước khi phát hành.",
            ),
        ],
        "Nghị định 30/2020/NĐ-CP, Điều 14: cấp số, thời gian ban hành → đăng ký văn bản đi → "
        "với văn bản điện tử, ký số của cơ quan, tổ chức → phát hành và theo dõi việc chuyển "
        "phát → lưu văn bản đi.",
    ),
    single(
        "VB-05 Kênh gửi văn bản giữa các cơ quan",
        "Văn bản điện tử giữa các cơ quan nhà nước được gửi, nhận qua kênh nào?",
        [
            right("Trục liên thông văn bản quốc gia"),
            wrong(
                "Thư điện tử cá nhân của văn thư",
                "Chưa đúng. Không gửi văn bản của cơ quan qua thư điện tử cá nhân; văn bản giữa "
                "các cơ quan nhà nước đi qua hệ thống và trục liên thông.",
            ),
            wrong(
                "Nhóm nhắn tin trên mạng xã hội của xã",
                "Chưa đúng. Mạng xã hội không phải kênh gửi văn bản của cơ quan; văn bản không "
                "được đăng ký, theo dõi và có thể lộ thông tin.",
            ),
            wrong(
                "Cổng Dịch vụ công quốc gia",
                "Chưa đúng. Cổng Dịch vụ công quốc gia dùng để người dân, doanh nghiệp thực hiện "
                "thủ tục hành chính, không phải kênh gửi văn bản giữa các cơ quan.",
            ),
        ],
        "Gửi, nhận văn bản điện tử giữa các cơ quan trong hệ thống hành chính nhà nước theo "
        "Quyết định 28/2018/QĐ-TTg, qua Trục liên thông văn bản quốc gia (Quyết định "
        "626/QĐ-VPCP ngày 01/8/2019). Phần mềm quản lý văn bản của xã kết nối với trục.",
    ),
    single(
        "VB-06 Bút phê là gì",
        "Trên hệ thống quản lý văn bản, “bút phê” là gì?",
        [
            right("Ý kiến chỉ đạo, phân công xử lý của lãnh đạo đối với văn bản đến"),
            wrong(
                "Chữ ký nháy của lãnh đạo bộ phận trên dự thảo",
                "Chưa đúng. Ký nháy là xác nhận trên dự thảo văn bản đi trước khi trình ký, "
                "không phải ý kiến chỉ đạo văn bản đến.",
            ),
            wrong(
                "Ghi chú của văn thư khi đăng ký văn bản đến",
                "Chưa đúng. Văn thư đăng ký và trình; ý kiến chỉ đạo, phân công là của lãnh đạo.",
            ),
            wrong(
                "Chữ ký số của cơ quan trên văn bản đi",
                "Chưa đúng. Chữ ký số của cơ quan do văn thư ký khi phát hành văn bản đi.",
            ),
        ],
        "Bút phê là ý kiến chỉ đạo, phân công của lãnh đạo đối với văn bản đến: nội dung chỉ "
        "đạo, người chủ trì, người phối hợp, người để biết và hạn xử lý.",
    ),
    multiple(
        "VB-07 Nội dung của bút phê",
        "Trên hệ thống, bút phê của lãnh đạo gồm những nội dung nào?",
        [
            ("Nội dung chỉ đạo: cần làm gì, kết quả là gì", ""),
            ("Người hoặc bộ phận chủ trì xử lý", ""),
            ("Người phối hợp và người nhận để biết", ""),
            ("Hạn xử lý", ""),
        ],
        [
            (
                "Số và ký hiệu của văn bản trả lời",
                "Chưa đúng. Số và ký hiệu văn bản đi do văn thư cấp khi phát hành, không nằm "
                "trong bút phê.",
            ),
            (
                "Mã PIN chữ ký số của người được giao",
                "Chưa đúng. Mã PIN là bí mật của người được cấp chứng thư, không bao giờ được "
                "ghi hay chuyển cho người khác.",
            ),
        ],
        "Bút phê gồm nội dung chỉ đạo, người hoặc bộ phận chủ trì, người phối hợp và người để "
        "biết, cùng hạn xử lý – hệ thống dùng hạn này để nhắc việc và báo quá hạn.",
    ),
    true_false(
        "VB-08 Người soạn thảo tự đặt số văn bản",
        "Chuyên viên soạn thảo tự đặt số cho văn bản đi trước khi trình ký.",
        False,
        "Số văn bản do văn thư cấp theo thứ tự đăng ký trong năm, ở bước cấp số, thời gian ban "
        "hành (Nghị định 30/2020/NĐ-CP, Điều 14). Người soạn thảo không tự đặt số.",
        "Chưa đúng. Số văn bản do văn thư cấp khi phát hành, theo thứ tự đăng ký trong năm; "
        "người soạn thảo không tự đặt số.",
    ),
    short(
        "VB-09 Loại văn bản trong ký hiệu QĐ",
        "Trong số, ký hiệu “Số: 25/QĐ-UBND”, chữ viết tắt “QĐ” cho biết văn bản thuộc loại "
        "nào? (Gõ tên loại văn bản.)",
        ["quyết định"],
        "Ký hiệu văn bản gồm chữ viết tắt tên loại văn bản và tên cơ quan ban hành: “QĐ-UBND” "
        "là quyết định của UBND. Công văn không có chữ viết tắt tên loại.",
        mistake="quy định",
    ),
    short(
        "VB-10 Mã nhận diện cơ quan trên trục liên thông",
        "Trên Trục liên thông văn bản quốc gia, mỗi cơ quan được nhận diện bằng loại mã nào, "
        "theo QCVN 102:2016/BTTTT?",
        ["mã định danh", "mã định danh cơ quan", "mã định danh điện tử"],
        "Mỗi cơ quan trên trục liên thông có một mã định danh theo QCVN 102:2016/BTTTT; phần "
        "mềm quản lý văn bản dùng mã này để gửi văn bản đến đúng nơi.",
        mistake="mã số thuế",
    ),
    multiple(
        "VB-11 Kiểm tra khi tiếp nhận văn bản điện tử",
        "Khi tiếp nhận văn bản điện tử đến, văn thư phải kiểm tra những gì trước khi đăng ký?",
        [
            ("Tính xác thực: chữ ký số của cơ quan gửi hợp lệ", ""),
            ("Tính toàn vẹn: tệp mở được, không bị sửa, đủ tài liệu kèm theo", ""),
        ],
        [
            (
                "Văn bản đã có ý kiến chỉ đạo của lãnh đạo xã chưa",
                "Chưa đúng. Ý kiến chỉ đạo có sau khi văn bản được tiếp nhận, đăng ký và trình; "
                "không phải điều kiện để tiếp nhận.",
            ),
            (
                "Nội dung văn bản có phù hợp với quan điểm của xã không",
                "Chưa đúng. Văn thư không thẩm định nội dung; việc xem xét nội dung thuộc về "
                "lãnh đạo và người được giao xử lý.",
            ),
        ],
        "Nghị định 30/2020/NĐ-CP, Điều 21 khoản 2: văn bản điện tử đến phải được kiểm tra tính "
        "xác thực và tính toàn vẹn trước khi tiếp nhận, đăng ký.",
    ),
    single(
        "VB-12 Văn bản có nội dung bí mật nhà nước",
        "Với văn bản có nội dung bí mật nhà nước, quy tắc nào đúng?",
        [
            right("Không soạn thảo, lưu giữ hay gửi trên máy tính, hệ thống có kết nối Internet"),
            wrong(
                "Gửi qua trục liên thông với độ khẩn “hỏa tốc”",
                "Chưa đúng. Độ khẩn chỉ nói về thời gian chuyển; văn bản mật không được gửi trên "
                "hệ thống có kết nối Internet.",
            ),
            wrong(
                "Gửi qua thư điện tử công vụ, đặt mật khẩu cho tệp",
                "Chưa đúng. Đặt mật khẩu cho tệp không thay được quy định bảo vệ bí mật nhà "
                "nước; không gửi văn bản mật qua thư điện tử có kết nối Internet.",
            ),
            wrong(
                "Lưu trên phần mềm quản lý văn bản như văn bản thường",
                "Chưa đúng. Phần mềm quản lý văn bản là hệ thống có kết nối Internet, không dùng "
                "cho văn bản có nội dung bí mật nhà nước.",
            ),
        ],
        "Văn bản có nội dung bí mật nhà nước không được soạn thảo, lưu giữ hay gửi trên máy "
        "tính, hệ thống có kết nối Internet; thực hiện theo quy định về bảo vệ bí mật nhà nước "
        "và quy chế của cơ quan.",
    ),
]

# ---------------------------------------------------------------------------------------------
# Course C — Dịch vụ công trực tuyến & một cửa (DOMAIN.md §4, §8 C): 12 fixed questions.

PUBLIC_SERVICE_QUESTIONS = [
    single(
        "DVC-01 Số mức dịch vụ công trực tuyến",
        "Nghị định 42/2022/NĐ-CP chia dịch vụ công trực tuyến thành mấy mức?",
        [
            right("2 mức: toàn trình và một phần"),
            wrong(
                "4 mức, từ mức độ 1 đến mức độ 4",
                "Chưa đúng. Bốn mức độ là cách phân loại cũ theo Nghị định 43/2011/NĐ-CP, đã "
                "được thay bằng hai mức từ 15/8/2022.",
            ),
            wrong(
                "3 mức: cơ bản, nâng cao và toàn trình",
                "Chưa đúng. Nghị định 42/2022/NĐ-CP chỉ có hai mức: toàn trình và một phần.",
            ),
            wrong(
                "Không chia mức",
                "Chưa đúng. Nghị định 42/2022/NĐ-CP chia hai mức: toàn trình và một phần.",
            ),
        ],
        "Từ 15/8/2022, Nghị định 42/2022/NĐ-CP thay 4 mức độ của Nghị định 43/2011/NĐ-CP bằng "
        "hai mức: toàn trình (thông tin, nộp, xử lý hồ sơ đều trực tuyến; kết quả trả trực "
        "tuyến hoặc qua bưu chính công ích) và một phần (các dịch vụ còn lại).",
        shuffle=False,
    ),
    single(
        "DVC-02 Trả kết quả dịch vụ công toàn trình",
        "Với dịch vụ công trực tuyến <b>toàn trình</b>, kết quả được trả cho người dân bằng "
        "cách nào?",
        [
            right("Trực tuyến hoặc qua bưu chính công ích"),
            wrong(
                "Chỉ trực tiếp tại Trung tâm Phục vụ hành chính công",
                "Chưa đúng. Phải đến nhận trực tiếp là đặc điểm của dịch vụ một phần; dịch vụ "
                "toàn trình trả kết quả trực tuyến hoặc qua bưu chính công ích.",
            ),
            wrong(
                "Qua thư điện tử cá nhân của công chức tiếp nhận",
                "Chưa đúng. Kết quả được trả trên hệ thống (Cổng Dịch vụ công) hoặc qua bưu "
                "chính công ích, không qua thư điện tử cá nhân của cán bộ.",
            ),
            wrong(
                "Qua nhóm nhắn tin của thôn, bản",
                "Chưa đúng. Kết quả giải quyết thủ tục hành chính không được gửi qua mạng xã hội.",
            ),
        ],
        "Nghị định 42/2022/NĐ-CP: dịch vụ toàn trình trả kết quả trực tuyến hoặc qua bưu chính "
        "công ích. Người dân chọn cách nhận kết quả khi nộp hồ sơ.",
    ),
    single(
        "DVC-03 Đăng nhập Cổng Dịch vụ công quốc gia",
        "Từ 01/7/2024, người dân đăng nhập Cổng Dịch vụ công quốc gia bằng gì?",
        [
            right("Tài khoản định danh điện tử VNeID"),
            wrong(
                "Chữ ký số chuyên dùng công vụ",
                "Chưa đúng. Chữ ký số chuyên dùng công vụ dành cho cán bộ, công chức ký văn bản "
                "công vụ, không phải để người dân đăng nhập Cổng.",
            ),
            wrong(
                "Tài khoản cũ của Cổng, không cần gắn số định danh cá nhân",
                "Chưa đúng. Tài khoản cũ phải được gắn với số định danh cá nhân (số căn cước "
                "công dân), kể cả tài khoản của cán bộ, công chức.",
            ),
            wrong(
                "Tài khoản của công chức một cửa, đăng nhập hộ người dân",
                "Chưa đúng. Không đăng nhập hộ, không giữ mật khẩu hay mã xác thực của người "
                "dân; người dân tự đăng nhập.",
            ),
        ],
        "Từ 01/7/2024, Cổng Dịch vụ công quốc gia dùng tài khoản định danh điện tử VNeID để "
        "đăng nhập; tài khoản cũ phải gắn với số định danh cá nhân. Nghị định 69/2024/NĐ-CP "
        "quy định tài khoản định danh điện tử mức 1 và mức 2.",
    ),
    single(
        "DVC-04 Hồ sơ thiếu thành phần",
        "Người dân nộp hồ sơ còn thiếu thành phần. Công chức tiếp nhận xử lý thế nào?",
        [
            right("Yêu cầu bổ sung, hướng dẫn đầy đủ các nội dung cần bổ sung trong một lần"),
            wrong(
                "Từ chối tiếp nhận hồ sơ",
                "Chưa đúng. Từ chối tiếp nhận dùng khi hồ sơ không thuộc thẩm quyền hoặc không "
                "đủ điều kiện; hồ sơ thiếu thì yêu cầu bổ sung.",
            ),
            wrong(
                "Nhận bản giấy, để đó chờ người dân nộp nốt rồi mới đưa lên hệ thống",
                "Chưa đúng. Không nhận hồ sơ ngoài hệ thống: hồ sơ không có trên hệ thống thì "
                "không ai theo dõi được hạn.",
            ),
            wrong(
                "Mỗi lần người dân quay lại, hướng dẫn thêm một giấy tờ còn thiếu",
                "Chưa đúng. Phải hướng dẫn đầy đủ mọi nội dung cần bổ sung trong một lần, để "
                "người dân không phải đi lại nhiều lần.",
            ),
        ],
        "Khi tiếp nhận trên Hệ thống thông tin giải quyết thủ tục hành chính: hồ sơ thiếu hoặc "
        "chưa đúng thì yêu cầu bổ sung và hướng dẫn một lần; hồ sơ không thuộc thẩm quyền hoặc "
        "không đủ điều kiện thì từ chối tiếp nhận, ghi rõ lý do; hồ sơ đủ thì tiếp nhận và cấp "
        "mã số hồ sơ.",
    ),
    single(
        "DVC-05 Phần YYMMDD của mã số hồ sơ",
        "Trong mã số hồ sơ dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-<b>YYMMDD</b>-XXXX (Thông tư "
        "01/2018/TT-VPCP, Điều 19), phần YYMMDD là gì?",
        [
            right("Ngày tiếp nhận hồ sơ"),
            wrong(
                "Ngày hẹn trả kết quả",
                "Chưa đúng. Ngày hẹn trả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, "
                "không nằm trong mã số hồ sơ.",
            ),
            wrong(
                "Ngày sinh của người nộp hồ sơ",
                "Chưa đúng. Mã số hồ sơ không chứa thông tin cá nhân của người nộp.",
            ),
            wrong(
                "Mã của cơ quan tiếp nhận",
                "Chưa đúng. Mã cơ quan tiếp nhận là phần đầu của mã số hồ sơ.",
            ),
        ],
        "Mã số hồ sơ gồm mã của cơ quan tiếp nhận, ngày tiếp nhận (YYMMDD: năm, tháng, ngày, mỗi "
        "phần 2 chữ số) và số thứ tự hồ sơ trong ngày (XXXX). Ví dụ: hồ sơ thứ 12 tiếp nhận ngày "
        "05/8/2026 có phần cuối -260805-0012.",
    ),
    single(
        "DVC-06 Nhóm chỉ số 20 điểm trong QĐ 766",
        "Trong Bộ chỉ số theo Quyết định 766/QĐ-TTg (thang 100 điểm), nhóm chỉ số nào được "
        "20 điểm?",
        [
            right("Tiến độ, kết quả giải quyết"),
            wrong("Công khai, minh bạch", "Chưa đúng. Nhóm công khai, minh bạch được 18 điểm."),
            wrong("Số hóa hồ sơ", "Chưa đúng. Nhóm số hóa hồ sơ được 22 điểm."),
            wrong("Mức độ hài lòng", "Chưa đúng. Nhóm mức độ hài lòng được 18 điểm."),
        ],
        "Quyết định 766/QĐ-TTg (2022) chấm mỗi tỉnh trên 100 điểm theo dữ liệu trên Cổng Dịch "
        "vụ công quốc gia: công khai, minh bạch 18; tiến độ, kết quả giải quyết 20; số hóa hồ "
        "sơ 22; cung cấp dịch vụ trực tuyến 22; mức độ hài lòng 18.",
    ),
    multiple(
        "DVC-07 Yêu cầu của dịch vụ công trực tuyến",
        "Dịch vụ công trực tuyến phải bảo đảm những yêu cầu nào?",
        [
            ("Dùng chữ ký số", ""),
            ("Có biểu mẫu điện tử tương tác", ""),
            ("Tái sử dụng dữ liệu đã có trong các cơ sở dữ liệu quốc gia", ""),
        ],
        [
            (
                "Người dân nộp thêm bản giấy của mọi thành phần hồ sơ",
                "Chưa đúng. Dịch vụ trực tuyến nhằm hạn chế giấy tờ; dữ liệu đã có được tái sử "
                "dụng để người dân không phải nộp lại.",
            ),
            (
                "Công chức nhập hộ toàn bộ tờ khai thay người dân",
                "Chưa đúng. Biểu mẫu điện tử tương tác để người dân tự khai, với thông tin đã có "
                "được điền sẵn từ cơ sở dữ liệu.",
            ),
        ],
        "Dịch vụ công trực tuyến phải dùng chữ ký số, biểu mẫu điện tử tương tác và tái sử "
        "dụng dữ liệu đã có trong các cơ sở dữ liệu quốc gia, để người dân không phải khai lại.",
    ),
    multiple(
        "DVC-08 Số hóa thành phần hồ sơ khi tiếp nhận",
        "Khi số hóa thành phần hồ sơ giấy lúc tiếp nhận, công chức cần làm gì?",
        [
            ("Quét rõ nét, đúng chiều, đủ trang", ""),
            ("Đính kèm vào đúng thành phần hồ sơ trên Hệ thống thông tin giải quyết TTHC", ""),
            ("Ký số xác nhận bản số hóa bằng chữ ký số cá nhân", ""),
        ],
        [
            (
                "Ký số bản số hóa bằng chữ ký số của cơ quan",
                "Chưa đúng. Chữ ký số của cơ quan do văn thư giữ để phát hành văn bản; bản số hóa "
                "được xác nhận bằng chữ ký số cá nhân của công chức tiếp nhận.",
            ),
            (
                "Gộp toàn bộ giấy tờ thành một tệp ảnh thật lớn",
                "Chưa đúng. Mỗi thành phần hồ sơ là một tệp PDF; tệp quá lớn làm người dân và "
                "đồng nghiệp khó mở trên điện thoại.",
            ),
        ],
        "Từ 01/6/2023, Bộ phận Một cửa cấp xã số hóa hồ sơ khi tiếp nhận (Chỉ thị 02/CT-TTg); "
        "Thông tư 01/2023/TT-VPCP quy định việc số hóa. Bản số hóa được lưu để tái sử dụng, "
        "người dân không phải nộp lại giấy tờ đó ở lần sau.",
    ),
    true_false(
        "DVC-09 Số hóa hồ sơ từ 01/6/2023",
        "Từ 01/6/2023, Bộ phận Một cửa cấp xã thực hiện số hóa hồ sơ khi tiếp nhận, theo Chỉ "
        "thị 02/CT-TTg.",
        True,
        "Chỉ thị 02/CT-TTg: Bộ phận Một cửa cấp xã số hóa hồ sơ từ 01/6/2023. Hồ sơ, kết quả "
        "đã số hóa được lưu để tái sử dụng.",
        "Chưa đúng. Chỉ thị 02/CT-TTg yêu cầu Bộ phận Một cửa cấp xã số hóa hồ sơ khi tiếp "
        "nhận từ 01/6/2023.",
    ),
    true_false(
        "DVC-10 Giữ mật khẩu VNeID của người dân",
        "Để người dân nộp hồ sơ nhanh hơn, công chức có thể hỏi và tự nhập mật khẩu, mã xác "
        "thực (OTP) tài khoản VNeID của người dân.",
        False,
        "Người dân tự đăng nhập và tự nhập mật khẩu, mã xác thực. Công chức hướng dẫn thao tác "
        "nhưng không đăng nhập hộ, không hỏi hay giữ mật khẩu, mã OTP của người dân.",
        "Chưa đúng. Mật khẩu và mã OTP là bí mật của người dân; công chức chỉ hướng dẫn, để "
        "người dân tự nhập.",
    ),
    single(
        "DVC-11 Hồ sơ có nguy cơ quá hạn",
        "Một hồ sơ có nguy cơ quá hạn trả kết quả. Công chức cần làm gì?",
        [
            right(
                "Báo lãnh đạo phụ trách Trung tâm, xin lỗi người dân bằng văn bản và hẹn lại "
                "thời gian trả kết quả"
            ),
            wrong(
                "Chờ người dân đến hỏi rồi giải thích miệng",
                "Chưa đúng. Hồ sơ quá hạn phải được xin lỗi bằng văn bản và hẹn lại thời gian; "
                "không chờ người dân đến hỏi.",
            ),
            wrong(
                "Cập nhật trạng thái “đã trả kết quả” trước để không bị tính quá hạn",
                "Chưa đúng. Trạng thái trên hệ thống phải đúng với thực tế; ghi sai làm sai số "
                "liệu đúng hạn và gây thiệt cho người dân.",
            ),
            wrong(
                "Hủy hồ sơ và đề nghị người dân nộp lại từ đầu",
                "Chưa đúng. Hủy hồ sơ không làm hồ sơ đúng hạn hơn và bắt người dân làm lại từ "
                "đầu.",
            ),
        ],
        "Hồ sơ được xếp trước hạn, đúng hạn hoặc quá hạn theo ngày trả thực tế so với ngày hẹn. "
        "Các quy định về một cửa yêu cầu cơ quan để hồ sơ quá hạn phải xin lỗi người dân bằng "
        "văn bản và hẹn lại thời gian trả kết quả. Tiến độ, kết quả giải quyết được 20 điểm "
        "trong Bộ chỉ số theo Quyết định 766/QĐ-TTg.",
    ),
    short(
        "DVC-12 Nghĩa của TTHC",
        "“TTHC” trong “Hệ thống thông tin giải quyết TTHC” là viết tắt của cụm từ nào?",
        ["thủ tục hành chính"],
        "TTHC là thủ tục hành chính. Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh "
        "(Thông tư 01/2023/TT-VPCP) là nơi công chức tiếp nhận, số hóa, giải quyết và trả kết "
        "quả hồ sơ.",
        mistake="thông tin hành chính",
    ),
]

# ---------------------------------------------------------------------------------------------
# An optional essay, marked by a trainer: in the document course's optional mobile-app lesson.

ESSAY_QUESTIONS = [
    essay(
        "TL-01 Xử lý văn bản khẩn trên điện thoại",
        "<p>Anh/chị là Phó Chủ tịch UBND xã, đang đi công tác thì nhận được hai việc trên ứng "
        "dụng di động của phần mềm quản lý văn bản: một văn bản đến có độ khẩn “hỏa tốc” cần "
        "cho ý kiến chỉ đạo, và một dự thảo văn bản trả lời cần ký phê duyệt.</p>"
        "<p>Hãy trình bày (khoảng 150–300 chữ):</p>"
        "<ol>"
        "<li>các bước anh/chị làm với từng việc trên điện thoại;</li>"
        "<li>hình thức chữ ký số dùng được trên điện thoại và vì sao;</li>"
        "<li>những việc cần làm để giữ an toàn, kể cả khi mất điện thoại.</li>"
        "</ol>",
        "<p>Hướng dẫn chấm (10 điểm):</p>"
        "<ul>"
        "<li>Bút phê văn bản hỏa tốc ngay, đủ nội dung chỉ đạo, người chủ trì, người phối hợp "
        "và hạn xử lý (3 điểm).</li>"
        "<li>Ký phê duyệt dự thảo bằng chữ ký số cá nhân trên điện thoại, bằng SIM PKI hoặc ký "
        "số từ xa; nêu được USB token thường chỉ dùng trên máy tính (3 điểm).</li>"
        "<li>Không đưa mã PIN, không nhờ ký hộ; văn thư cấp số, ký số của cơ quan và phát hành "
        "sau khi lãnh đạo ký (2 điểm).</li>"
        "<li>An toàn: cài ứng dụng từ kho ứng dụng chính thức, đặt khóa màn hình; mất điện "
        "thoại thì báo quản trị hệ thống khóa phiên đăng nhập và báo cơ quan đề nghị thu hồi "
        "chứng thư nếu dùng SIM PKI (2 điểm).</li>"
        "</ul>",
        mark=10,
    ),
]

# ---------------------------------------------------------------------------------------------
# The quizzes

# Every course quiz: DOMAIN.md's pass mark, a quarter of an hour, three tries, the best counts,
# and the review shows everything, so that officers learn from their mistakes.
COURSE_QUIZ_RULES = {
    "pass_mark": Decimal("80"),
    "max_attempts": 3,
    "time_limit_minutes": 15,
    "grading": Quiz.Grading.HIGHEST,
    "shuffle_answers": True,
    "review_score": True,
    "review_correctness": True,
    "review_feedback": True,
    "review_right_answers": True,
}
SIGNATURE_DRAW = 10  # questions drawn at random from the signature bank for each attempt

QUIZZES = [
    {
        "slug": "chu-ky-so-chuyen-dung-cong-vu",
        "course": "chu-ky-so-chuyen-dung-cong-vu",
        "title": "Kiểm tra cuối khóa: Chữ ký số chuyên dùng công vụ",
        "introduction": (
            f"Bài kiểm tra gồm {SIGNATURE_DRAW} câu hỏi, chọn ngẫu nhiên cho mỗi lần làm từ "
            f"ngân hàng {len(SIGNATURE_QUESTIONS)} câu về chữ ký số chuyên dùng công vụ: cơ sở "
            "pháp lý, ba hình thức chữ ký số, ký và kiểm tra văn bản, vòng đời chứng thư.\n"
            "Mỗi trang một câu; thời gian làm bài 15 phút. Cần đạt từ 80% để hoàn thành khóa "
            "học. Bạn được làm tối đa 3 lần, hệ thống tính lần có kết quả cao nhất."
        ),
        "category": "Khóa học/Chữ ký số chuyên dùng công vụ",
        "questions": SIGNATURE_QUESTIONS,
        "draw": SIGNATURE_DRAW,
        "rules": {**COURSE_QUIZ_RULES, "layout": Quiz.Layout.ONE_PER_PAGE},
    },
    {
        "slug": "quan-ly-van-ban-va-dieu-hanh",
        "course": "phan-mem-quan-ly-van-ban",
        "title": "Kiểm tra cuối khóa: Phần mềm quản lý văn bản và điều hành",
        "introduction": (
            f"Bài kiểm tra gồm {len(DOCUMENT_QUESTIONS)} câu hỏi về trình tự quản lý văn bản "
            "đến, văn bản đi theo Nghị định 30/2020/NĐ-CP, bút phê và phân công, trục liên "
            "thông và bảo mật.\n"
            "Tất cả câu hỏi trên một trang; thời gian làm bài 15 phút. Cần đạt từ 80% để hoàn "
            "thành khóa học. Bạn được làm tối đa 3 lần, hệ thống tính lần có kết quả cao nhất."
        ),
        "category": "Khóa học/Phần mềm quản lý văn bản và điều hành",
        "questions": DOCUMENT_QUESTIONS,
        "rules": {**COURSE_QUIZ_RULES, "layout": Quiz.Layout.ALL},
    },
    {
        "slug": "dich-vu-cong-truc-tuyen-mot-cua",
        "course": "dich-vu-cong-truc-tuyen-mot-cua",
        "title": "Kiểm tra cuối khóa: Dịch vụ công trực tuyến và một cửa",
        "introduction": (
            f"Bài kiểm tra gồm {len(PUBLIC_SERVICE_QUESTIONS)} câu hỏi về hai mức dịch vụ công "
            "trực tuyến, Cổng Dịch vụ công quốc gia và VNeID, tiếp nhận và số hóa hồ sơ, theo "
            "dõi đúng hạn và Bộ chỉ số theo Quyết định 766/QĐ-TTg.\n"
            "Mỗi trang một câu; thời gian làm bài 15 phút. Cần đạt từ 80% để hoàn thành khóa "
            "học. Bạn được làm tối đa 3 lần, hệ thống tính lần có kết quả cao nhất."
        ),
        "category": "Khóa học/Dịch vụ công trực tuyến và một cửa",
        "questions": PUBLIC_SERVICE_QUESTIONS,
        "rules": {**COURSE_QUIZ_RULES, "layout": Quiz.Layout.ONE_PER_PAGE},
    },
    {
        "slug": "tu-luan-xu-ly-van-ban-tren-dien-thoai",
        "course": None,  # in an optional lesson: not needed to complete the course
        "title": "Bài tự luận: Xử lý văn bản khẩn trên điện thoại",
        "introduction": (
            "Bài tự luận không bắt buộc: trình bày cách xử lý một văn bản hỏa tốc và ký duyệt "
            "dự thảo khi đi công tác, chỉ với điện thoại. Giảng viên chấm trên thang 10 điểm và "
            "nhận xét bài làm; kết quả không ảnh hưởng đến việc hoàn thành khóa học."
        ),
        "category": "Khóa học/Phần mềm quản lý văn bản và điều hành/Tự luận",
        "questions": ESSAY_QUESTIONS,
        "rules": {
            "pass_mark": Decimal("50"),
            "max_attempts": 2,
            "time_limit_minutes": None,
            "grading": Quiz.Grading.HIGHEST,
            "layout": Quiz.Layout.ALL,
            "shuffle_answers": False,
            "review_score": True,
            "review_correctness": True,
            "review_feedback": True,
            "review_right_answers": True,
        },
    },
]
ESSAY_QUIZ = "tu-luan-xu-ly-van-ban-tren-dien-thoai"


# ---------------------------------------------------------------------------------------------
# Seeding the bank and the quizzes


@transaction.atomic
def seed_quizzes():
    """Create or refresh the demo categories, questions and quizzes; returns counts."""
    questions = 0
    for spec in QUIZZES:
        category = QuestionCategory.from_path(spec["category"])
        bank = [_upsert_question(category, question) for question in spec["questions"]]
        questions += len(bank)
        quiz = Quiz.objects.filter(slug=spec["slug"]).first() or Quiz(slug=spec["slug"])
        fields = {"title": spec["title"], "introduction": spec["introduction"], **spec["rules"]}
        changed = _assign(quiz, fields) or quiz.pk is None
        if changed:
            quiz.save()
        if spec.get("draw"):
            changed |= _set_questions(quiz, [])
            changed |= _set_draws(quiz, [(category, spec["draw"])])
        else:
            changed |= _set_questions(quiz, bank)
            changed |= _set_draws(quiz, [])
        _publish(quiz, changed)
    return {"quizzes": len(QUIZZES), "questions": questions}


def _publish(obj, changed):
    """The demo content is the approved, live version: publish it as a new revision when it
    changed (or was never published), so attempts keep the version they drew."""
    if changed or obj.live_revision_id is None or not obj.live:
        obj.save_revision(clean=False).publish(log_action=False)


def _assign(obj, fields):
    """Set the fields that differ; True when any did."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert_question(category, spec):
    fields = {
        "kind": spec["kind"],
        "text": spec["text"],
        "general_feedback": spec["general_feedback"],
        "shuffle_answers": spec["shuffle_answers"],
        "accent_insensitive": spec.get("accent_insensitive", False),
        "case_sensitive": False,
        "default_mark": spec.get("default_mark", Decimal("1")),
    }
    question = Question.objects.filter(category=category, name=spec["name"]).first()
    changed = question is None
    if question is None:
        question = Question.objects.create(category=category, name=spec["name"], **fields)
    elif _assign(question, fields):
        question.save()
        changed = True
    # Answers are matched by position and updated in place, so attempts keep their answer ids.
    existing = list(Answer.objects.filter(question=question).order_by("sort_order", "pk"))
    for position, answer in enumerate(spec["answers"]):
        values = {**answer, "sort_order": position}
        if position < len(existing):
            if _assign(existing[position], values):
                existing[position].save()
                changed = True
        else:
            Answer.objects.create(question=question, **values)
            changed = True
    for extra in existing[len(spec["answers"]) :]:
        extra.delete()
        changed = True
    _publish(question, changed)
    return question


def _set_questions(quiz, questions):
    wanted = [question.pk for question in questions]
    current = list(
        QuizQuestion.objects.filter(quiz=quiz)
        .order_by("sort_order")
        .values_list("question_id", flat=True)
    )
    if current != wanted:
        QuizQuestion.objects.filter(quiz=quiz).delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question_id=pk, sort_order=n) for n, pk in enumerate(wanted)
        )
    return current != wanted


def _set_draws(quiz, draws):
    wanted = [(category.pk, count) for category, count in draws]
    current = list(
        QuizRandomDraw.objects.filter(quiz=quiz)
        .order_by("sort_order")
        .values_list("category_id", "count")
    )
    if current != wanted:
        QuizRandomDraw.objects.filter(quiz=quiz).delete()
        QuizRandomDraw.objects.bulk_create(
            QuizRandomDraw(quiz=quiz, category_id=pk, count=count, sort_order=n)
            for n, (pk, count) in enumerate(wanted)
        )
    return current != wanted


# ---------------------------------------------------------------------------------------------
# Demo attempts

# Officers who have done this many required lessons, without finishing, tried the quiz once
# and failed; officers who finished pass, and one in three of them only at the second try.
FAILED_TRY_AFTER_LESSONS = 3
# Demo officers enrolled at least this many days before their first attempt at a quiz.
STUDY_DAYS = 10
# Who wrote the essay waiting for marking: a vice-chair who has done the document course.
ESSAY_OFFICER = "canbo02"
ESSAY_ANSWER = (
    "1. Văn bản hỏa tốc: mở ứng dụng ngay khi có thông báo, đọc văn bản và tài liệu kèm theo, "
    "ghi ý kiến chỉ đạo, giao công chức Văn phòng chủ trì, Phòng Kinh tế phối hợp, đặt hạn xử "
    "lý trong ngày rồi chuyển xử lý.\n"
    "2. Dự thảo trả lời: đọc lại nội dung, trích yếu và nơi nhận; nếu đúng thì ký phê duyệt "
    "bằng chữ ký số cá nhân. Trên điện thoại tôi dùng ký số từ xa (hoặc SIM PKI), vì USB token "
    "chỉ cắm được vào máy tính. Sau khi tôi ký, văn thư cấp số, ký số của cơ quan và phát hành "
    "qua trục liên thông.\n"
    "3. An toàn: điện thoại có khóa màn hình, ứng dụng cài từ kho chính thức. Không đưa mã PIN "
    "cho ai. Nếu mất điện thoại thì báo ngay quản trị hệ thống để khóa phiên đăng nhập."
)


@transaction.atomic
def seed_quiz_attempts():
    """Demo officers' attempts, consistent with their progress; returns the number created.

    Run after `seed_courses()`: demo officers who have done every required lesson of a course
    pass its quiz, which completes the course. Officers with an attempt are left alone.
    """
    today = timezone.localdate()
    index = {row[0]: n for n, row in enumerate(demo_officers())}
    created = 0
    quizzes = {spec["course"]: spec["slug"] for spec in QUIZZES if spec["course"]}
    for k, spec in enumerate(COURSES):
        course = CoursePage.objects.filter(slug=spec["slug"]).first()
        quiz = Quiz.objects.filter(slug=quizzes.get(spec["slug"])).first()
        if course is None or quiz is None:
            continue
        required = list(progress.required_lessons(course).order_by("path"))
        enrolments = list(
            Enrolment.objects.filter(course=course, officer__user__username__in=index)
            .exclude(officer__quiz_attempts__quiz=quiz)
            .select_related("officer__user")
            .order_by("officer__user__username")
        )
        done = dict(
            LessonCompletion.objects.filter(
                lesson__in=required, officer__in=[e.officer for e in enrolments]
            )
            .values("officer")
            .annotate(count=Count("pk"))
            .values_list("officer", "count")
        )
        for enrolment in enrolments:
            n = index[enrolment.officer.user.username]
            lessons_done = done.get(enrolment.officer.pk, 0)
            if lessons_done == len(required):
                created += _pass(enrolment, quiz, required, n, k, today)
            elif lessons_done >= FAILED_TRY_AFTER_LESSONS:
                day = today - datetime.timedelta(days=1 + (n + k) % 5)
                start = _at(day, n, k)
                _date_progress(enrolment, required, start, n)
                _take(enrolment.officer, quiz, start, f"{n}:{quiz.slug}", _half_wrong)
                created += 1
    created += _seed_essay(today)
    return created


def _pass(enrolment, quiz, required, n, k, today):
    """Pass the quiz (one in three at the second try); the course completes on passing."""
    day = today - datetime.timedelta(days=4 + (3 * n + 7 * k) % 21)
    retry = (n + k) % 3 == 0
    start = _at(day - datetime.timedelta(days=2), n, k) if retry else _at(day, n, k)
    _date_progress(enrolment, required, start, n)
    if retry:
        _take(enrolment.officer, quiz, start, f"{n}:{quiz.slug}:1", _near_miss)
    # Up to two slips: 80% or more with 10 to 12 questions.
    slips = (n + k) % 3
    attempt = _take(
        enrolment.officer, quiz, _at(day, n, k), f"{n}:{quiz.slug}", lambda count: slips
    )
    # Completion is recorded when the passing attempt is submitted, at that time.
    Enrolment.objects.filter(pk=enrolment.pk).exclude(completed_at=None).update(
        completed_at=attempt.submitted_at
    )
    return 2 if retry else 1


def _at(day, n, k):
    """A working hour of `day`, varied by officer and course."""
    clock = datetime.time(8 + (n + 2 * k) % 9, (7 * n) % 60)
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def _date_progress(enrolment, required, start, n):
    """Enrolment and the lessons done before the first attempt `start`, not at seeding time."""
    enrolled = min(enrolment.enrolled_at, start - datetime.timedelta(days=STUDY_DAYS + n % 7))
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=enrolled)
    completions = LessonCompletion.objects.filter(
        officer=enrolment.officer, lesson__in=required, completed_at__gt=start
    ).order_by("lesson__path")
    step = (start - enrolled) / (len(required) + 1)
    for position, completion in enumerate(completions, start=1):
        LessonCompletion.objects.filter(pk=completion.pk).update(
            completed_at=enrolled + step * position
        )


def _half_wrong(count):
    return count // 2


def _near_miss(count):
    return count // 4 + 1  # 70% with 10 questions, 67% with 12: just under the pass mark


def _take(officer, quiz, start, seed, slips):
    """One attempt through assessments.attempts, at `start`, with `slips(count)` of the
    `count` questions answered wrong (which ones, and which questions are drawn, by `seed`)."""
    rng = random.Random(seed)  # noqa: S311 — which questions are drawn, not security  # nosec B311
    attempt = attempts.start_or_resume(officer, quiz, now=start, rng=rng)
    slots = list(attempt.slots.select_related("question_revision").order_by("position"))
    wrong = set(rng.sample([slot.position for slot in slots], slips(len(slots))))
    moment = start
    for slot in slots:
        moment += datetime.timedelta(seconds=40 + rng.randrange(30))
        response = demo_response(
            question_version(slot.question_revision),
            slot.position not in wrong,
            plain=rng.random() < 0.5,
        )
        if response is not None:
            # Chosen answers are posted as the tokens the page shows, as a phone would.
            if "answers" in response:
                response = {"answers": [attempts.token_of(slot, a) for a in response["answers"]]}
            attempts.save_response(attempt, slot.position, response, now=moment)
    return attempts.submit(attempt, now=moment + datetime.timedelta(seconds=30))


def demo_response(question, is_right, plain=False):
    """A response to `question`: the right one, or a typical mistake (None: left blank).

    `plain` types a short answer without Vietnamese accents, as officers often do on phones.
    """
    answers = list(question.answers.all())
    if question.kind == Question.Kind.SHORT:
        if is_right:
            text = answers[0].text
        else:
            spec = _spec_of(question)
            text = spec.get("mistake", "") if spec else ""
        return {"text": fold(text) if plain else text} if text else None
    if question.kind == Question.Kind.ESSAY:
        return None
    rights = [answer.pk for answer in answers if answer.fraction > 0]
    wrongs = [answer.pk for answer in answers if answer.fraction <= 0]
    if is_right:
        return {"answers": rights}
    if question.kind == Question.Kind.MULTIPLE:
        return {"answers": [rights[0], wrongs[0]]}
    return {"answers": [wrongs[0]]}


def _spec_of(question):
    return next(
        (spec for quiz in QUIZZES for spec in quiz["questions"] if spec["name"] == question.name),
        None,
    )


def _seed_essay(today):
    """One officer's essay, submitted two evenings ago, waiting in the trainer's queue."""
    quiz = Quiz.objects.filter(slug=ESSAY_QUIZ).first()
    if quiz is None:
        return 0
    officer = (
        Enrolment.objects.filter(
            officer__user__username=ESSAY_OFFICER, course__slug="phan-mem-quan-ly-van-ban"
        )
        .select_related("officer")
        .first()
    )
    if officer is None or Attempt.objects.filter(quiz=quiz, officer=officer.officer).exists():
        return 0
    officer = officer.officer
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=2), datetime.time(20, 5))
    )
    attempt = attempts.start_or_resume(officer, quiz, now=start)
    for slot in attempt.slots.order_by("position"):
        attempts.save_response(
            attempt,
            slot.position,
            {"text": ESSAY_ANSWER},
            now=start + datetime.timedelta(minutes=20),
        )
    attempts.submit(attempt, now=start + datetime.timedelta(minutes=22))
    return 1
