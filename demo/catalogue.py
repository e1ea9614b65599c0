"""Demo catalogue: three tracks, one real course in each, and officers' progress in them.

The content is teaching material in Vietnamese, written from the facts in the project's domain
notes (laws and decrees with their numbers and dates). Where a fact is not verified, the lesson
says so or leaves it out. `seed_courses()` is idempotent: pages are found by slug under their
parent and updated in place only when the content here differs, so a second run changes nothing.
"""

import copy
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from assessments.models import Quiz
from courses import progress
from courses.assignments import apply_assignment
from courses.models import (
    Assignment,
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    SkillTag,
    TrackPage,
)
from elearning.home.models import HomePage
from officers.models import JobPosition, Officer
from units.models import AdministrativeUnit, Level

from .accounts import demo_officers

# ---------------------------------------------------------------------------------------------
# Building blocks of a lesson body, in the raw (JSON-like) form a StreamField accepts.


def text(html):
    return {"type": "text", "value": html}


def _callout(kind, html):
    return {"type": "callout", "value": {"kind": kind, "text": html}}


def tip(html):
    return _callout("tip", html)


def warning(html):
    return _callout("warning", html)


def law(html):
    return _callout("law", html)


def steps(title, *items):
    """A numbered procedure; each item is one step (HTML allowed, wrapped in a paragraph)."""
    return {
        "type": "procedure",
        "value": {
            "title": title,
            "steps": [{"text": f"<p>{item}</p>", "screenshot": None} for item in items],
        },
    }


def quiz(introduction, slug):
    """A quiz placement; the quiz is named by its identifier here and placed by id when
    seeding (_placed)."""
    return {"type": "quiz", "value": {"introduction": introduction, "quiz_slug": slug}}


def _placed(body):
    """The body with each quiz named by identifier placed as the lesson editor's chooser does
    (by id); a quiz that is not in the bank (seeding courses alone) is left out."""
    placed = []
    for block in body:
        if block["type"] == "quiz":
            value = dict(block["value"])
            quiz = Quiz.objects.filter(slug=value.pop("quiz_slug")).first()
            if quiz is None:
                continue
            block = {**block, "value": {**value, "quiz": quiz.pk}}
        placed.append(block)
    return placed


# ---------------------------------------------------------------------------------------------
# Course A — Chữ ký số chuyên dùng công vụ (DOMAIN.md §2, §8 A)

SIGNATURE_LESSONS = [
    {
        "slug": "khai-niem-va-co-so-phap-ly",
        "title": "Chữ ký số chuyên dùng công vụ: khái niệm và cơ sở pháp lý",
        "summary": (
            "Chữ ký số là gì, khác gì chữ ký số công cộng; ai cấp, cấp cho ai, thời hạn "
            "chứng thư theo Luật Giao dịch điện tử 2023 và Nghị định 68/2024/NĐ-CP."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p>Chữ ký số là một dạng chữ ký điện tử được tạo ra bằng <b>khóa bí mật</b> "
                "của người ký. Bất kỳ ai có văn bản và <b>khóa công khai</b> tương ứng đều kiểm "
                "tra được hai điều: văn bản do đúng người đó ký, và văn bản không bị sửa sau khi "
                "ký. Khóa công khai được gắn với danh tính người ký trong <b>chứng thư chữ ký "
                "số</b> do tổ chức cung cấp dịch vụ chứng thực cấp.</p>"
                "<h2>Ba loại chữ ký điện tử</h2>"
                "<p>Luật Giao dịch điện tử năm 2023 phân biệt:</p>"
                "<ul>"
                "<li><b>Chữ ký điện tử chuyên dùng</b> – do một cơ quan, tổ chức tạo lập và "
                "dùng riêng cho hoạt động của mình;</li>"
                "<li><b>Chữ ký số công cộng</b> – dùng trong hoạt động công cộng, do các tổ chức "
                "cung cấp dịch vụ chứng thực chữ ký số công cộng cấp (ví dụ chữ ký số doanh "
                "nghiệp dùng để khai thuế);</li>"
                "<li><b>Chữ ký số chuyên dùng công vụ</b> – dùng trong hoạt động công vụ của cơ "
                "quan nhà nước. Đây là loại chữ ký cán bộ, công chức cấp xã dùng để ký văn bản "
                "của cơ quan.</li>"
                "</ul>"
            ),
            law(
                "<p><b>Luật Giao dịch điện tử số 20/2023/QH15</b> (hiệu lực từ 01/7/2024), "
                "Điều 22: phân loại chữ ký điện tử. <b>Nghị định 68/2024/NĐ-CP</b> (hiệu lực từ "
                "15/8/2024): quy định về chữ ký số chuyên dùng công vụ. <b>Nghị định "
                "23/2025/NĐ-CP</b> thay thế Nghị định 130/2018/NĐ-CP từ 10/4/2025 nhưng "
                "<b>không</b> điều chỉnh chữ ký số chuyên dùng công vụ — loại chữ ký này vẫn "
                "theo Nghị định 68/2024/NĐ-CP.</p>"
            ),
            text(
                "<h2>Ai cấp, cấp cho ai?</h2>"
                "<p><b>Ban Cơ yếu Chính phủ</b> là tổ chức cung cấp dịch vụ chứng thực chữ ký "
                "số chuyên dùng công vụ. Chứng thư được cấp cho:</p>"
                "<ul>"
                "<li><b>cá nhân</b> – người có thẩm quyền ký văn bản và cán bộ, công chức cần "
                "ký số khi thực hiện nhiệm vụ;</li>"
                "<li><b>cơ quan, tổ chức</b> – chữ ký số của cơ quan, dùng thay con dấu trên "
                "văn bản điện tử;</li>"
                "<li><b>thiết bị, dịch vụ, phần mềm</b> – ví dụ một hệ thống tự động ký số kết "
                "quả xử lý.</li>"
                "</ul>"
                "<p>Việc cấp mới, gia hạn, thay đổi thông tin hay thu hồi chứng thư đều thực "
                "hiện <b>theo đề nghị của cơ quan quản lý trực tiếp</b>; cán bộ không tự đăng "
                "ký với nhà cung cấp.</p>"
                "<h2>Thời hạn của chứng thư</h2>"
                "<ul>"
                "<li>chứng thư của tổ chức cung cấp dịch vụ: 20 năm;</li>"
                "<li>chứng thư <b>cấp mới</b> cho thuê bao: <b>tối đa 5 năm</b>;</li>"
                "<li>chứng thư <b>gia hạn</b>: tối đa 3 năm.</li>"
                "</ul>"
                "<h2>Hai chữ ký trên một văn bản điện tử</h2>"
                "<p>Văn bản điện tử do UBND xã ban hành thường mang hai chữ ký số:</p>"
                "<ol>"
                "<li><b>chữ ký số cá nhân</b> của người có thẩm quyền (Chủ tịch, Phó Chủ tịch "
                "UBND…) – cho biết ai ký;</li>"
                "<li><b>chữ ký số của cơ quan</b> – do <b>văn thư</b> giữ và thực hiện khi "
                "phát hành, thay cho việc đóng dấu trên văn bản giấy.</li>"
                "</ol>"
            ),
            tip(
                "<p>Dù tỉnh dùng phần mềm quản lý văn bản của VNPT, Viettel hay đơn vị khác, "
                "chữ ký số vẫn là chữ ký số chuyên dùng công vụ do Ban Cơ yếu Chính phủ cấp: các "
                "phần mềm này tích hợp dịch vụ ký của Ban Cơ yếu.</p>"
            ),
            steps(
                "Đề nghị cấp chứng thư chữ ký số cho cá nhân",
                "Xác định nhu cầu: chức danh của bạn có phải ký số văn bản không (lãnh đạo ký "
                "phê duyệt, văn thư ký phát hành, công chức Trung tâm Phục vụ hành chính công ký "
                "xác nhận bản số hóa, ký kết quả…).",
                "Báo bộ phận phụ trách của UBND xã (Văn phòng hoặc tổ chức – nhân sự) và cung "
                "cấp thông tin theo mẫu của cơ quan, thường gồm họ tên, số định danh cá nhân, "
                "chức vụ, cơ quan công tác, thư điện tử công vụ và số điện thoại.",
                "Cơ quan quản lý trực tiếp lập văn bản đề nghị, chọn hình thức (USB token, SIM "
                "PKI hoặc ký số từ xa) và gửi theo hướng dẫn của Ban Cơ yếu Chính phủ hoặc đầu "
                "mối được giao tại tỉnh.",
                "Nhận thiết bị hoặc thông tin kích hoạt; ký biên bản bàn giao nếu có; đổi mã PIN "
                "ngay ở lần dùng đầu tiên (xem Bài 2).",
                "Kiểm tra thông tin trên chứng thư: họ tên, cơ quan, thời hạn. Nếu có sai sót, "
                "báo ngay để cơ quan đề nghị thay đổi thông tin.",
            ),
            warning(
                "<p>Chứng thư chữ ký số chuyên dùng công vụ được cấp để dùng trong hoạt động "
                "công vụ, theo đúng chức danh. Không cho người khác mượn thiết bị, không đưa mã "
                "PIN để người khác ký hộ: mọi văn bản ký bằng chứng thư của bạn đều là trách "
                "nhiệm của bạn.</p>"
            ),
        ],
    },
    {
        "slug": "ba-hinh-thuc-va-cai-dat",
        "title": "USB token, SIM PKI, ký số từ xa; cài đặt VGCA Sign Service và mã PIN",
        "summary": (
            "Ba hình thức chữ ký số chuyên dùng công vụ, cài trình điều khiển và dịch vụ ký "
            "VGCA Sign Service, đổi và giữ an toàn mã PIN."
        ),
        "minutes": 20,
        "body": [
            text(
                "<h2>Ba hình thức chữ ký số chuyên dùng công vụ</h2>"
                "<ul>"
                "<li><b>USB token</b> – thiết bị lưu khóa bí mật, cắm vào máy tính khi ký. Khóa "
                "bí mật nằm trong thiết bị, không sao chép ra ngoài được.</li>"
                "<li><b>SIM PKI</b> – khóa bí mật nằm trong SIM điện thoại chuyên dụng; bạn xác "
                "nhận việc ký và nhập mã PIN ngay trên điện thoại. Thuận tiện khi đi công tác "
                "hoặc xử lý văn bản trên ứng dụng di động.</li>"
                "<li><b>Ký số tập trung (ký số từ xa)</b> – khóa bí mật được lưu và bảo vệ tại "
                "hệ thống của tổ chức cung cấp dịch vụ; bạn xác thực theo hướng dẫn của đơn vị "
                "(ví dụ xác nhận trên ứng dụng điện thoại) để ký từ máy tính hoặc điện thoại, "
                "không cần cắm thiết bị.</li>"
                "</ul>"
                "<p>Sáu tháng đầu năm 2025, Ban Cơ yếu Chính phủ cấp mới khoảng 147.000 chứng "
                "thư, trong đó khoảng <b>74.000 chứng thư ký số tập trung</b>, 60.000 USB token "
                "và 3.000 SIM PKI. Ký số từ xa đã chiếm khoảng một nửa số cấp mới, vì vậy cán "
                "bộ cần biết dùng cả ba hình thức, không chỉ USB token.</p>"
                "<h2>VGCA Sign Service là gì?</h2>"
                "<p>Phần mềm chạy trên trình duyệt (quản lý văn bản, một cửa điện tử) không tự "
                "đọc được USB token. Chúng gọi tới <b>VGCA Sign Service</b> – dịch vụ ký của Ban "
                "Cơ yếu Chính phủ, cài trên máy tính, chạy nền và lắng nghe tại cổng "
                "<b>8987</b> của chính máy đó. Khi bạn bấm “Ký số” trên trang web, trình duyệt "
                "gửi tệp tới dịch vụ này; dịch vụ yêu cầu bạn chọn chứng thư, nhập mã PIN, rồi "
                "trả lại tệp đã ký cho phần mềm.</p>"
            ),
            steps(
                "Cài trình điều khiển USB token và VGCA Sign Service",
                "Đăng nhập máy tính bằng tài khoản có quyền cài đặt phần mềm; nếu không có "
                "quyền, nhờ cán bộ phụ trách chuyển đổi số hoặc bộ phận CNTT của tỉnh.",
                "Lấy bộ cài từ nguồn chính thức: trang hỗ trợ của Ban Cơ yếu Chính phủ hoặc do "
                "bộ phận CNTT của tỉnh cung cấp. <b>Không</b> tải bộ cài từ trang không rõ nguồn "
                "gốc.",
                "Cài trình điều khiển (driver) của USB token trước, sau đó cài VGCA Sign "
                "Service; khởi động lại máy nếu bộ cài yêu cầu.",
                "Cắm USB token, mở phần mềm quản lý token đi kèm trình điều khiển: máy phải nhận "
                "thiết bị và hiển thị đúng chứng thư mang tên bạn.",
                "Kiểm tra dịch vụ ký đang chạy theo hướng dẫn kèm bộ cài. Nếu trang web báo "
                "không kết nối được dịch vụ ký: khởi động lại dịch vụ hoặc máy tính, và nhờ bộ "
                "phận CNTT kiểm tra phần mềm diệt virus, tường lửa không chặn cổng 8987 trên "
                "máy.",
            ),
            steps(
                "Đổi mã PIN của USB token",
                "Cắm USB token và mở phần mềm quản lý token.",
                "Chọn chức năng đổi mã PIN (thường có tên “Change PIN” hoặc “Đổi mã PIN”).",
                "Nhập mã PIN hiện tại – mã được bàn giao cùng thiết bị.",
                "Nhập mã PIN mới hai lần. Chọn mã khó đoán: không dùng ngày sinh, số điện "
                "thoại hay dãy như 123456.",
                "Xác nhận, rồi ký thử một tệp PDF để chắc chắn mã PIN mới hoạt động.",
            ),
            warning(
                "<p>Nhập sai mã PIN nhiều lần liên tiếp có thể làm thiết bị bị khóa. Không ghi "
                "mã PIN lên token hay dán cạnh màn hình; không đưa mã PIN cho văn thư hay đồng "
                "nghiệp để ký hộ.</p>"
            ),
            tip(
                "<p>SIM PKI và ký số từ xa không cần cài trình điều khiển token, nhưng vẫn có "
                "mã PIN hoặc bước xác thực riêng. Hãy bảo vệ điện thoại: đặt khóa màn hình, "
                "không cho mượn, báo ngay khi mất máy.</p>"
            ),
        ],
    },
    {
        "slug": "ky-so-van-ban-pdf",
        "title": "Ký số văn bản PDF: phê duyệt, phát hành, văn bản đến, bản sao, phụ lục",
        "summary": (
            "Ký đúng vai trò trong quy trình văn thư: ký phê duyệt, ký phát hành bằng chữ ký "
            "số cơ quan, ký văn bản đến, ký bản sao và tài liệu kèm theo; ký bằng vSignPDF."
        ),
        "minutes": 25,
        "body": [
            text(
                "<p>Mỗi bước của quy trình văn thư có một kiểu ký riêng. Dịch vụ ký của Ban Cơ "
                "yếu Chính phủ cung cấp các chức năng tương ứng; khi bạn bấm nút trên phần mềm "
                "quản lý văn bản, phần mềm gọi đúng chức năng đó:</p>"
                "<ul>"
                "<li><b>Ký phê duyệt</b> – người có thẩm quyền ký văn bản bằng chữ ký số cá "
                "nhân. Chức năng này cũng dùng để <b>ký nháy</b> (xác nhận trên dự thảo trước "
                "khi trình ký). <i>(vgca_sign_approved)</i></li>"
                "<li><b>Ký phát hành</b> – văn thư ký bằng <b>chữ ký số của cơ quan</b>, đồng "
                "thời thể hiện số, ký hiệu và ngày ban hành; thay cho đóng dấu. "
                "<i>(vgca_sign_issued)</i></li>"
                "<li><b>Ký văn bản đến</b> – văn thư ký xác nhận khi tiếp nhận văn bản điện tử "
                "đến (tương tự đóng dấu “Đến”). <i>(vgca_sign_income)</i></li>"
                "<li><b>Ký sao văn bản</b> – tạo bản sao điện tử. <i>(vgca_sign_copy)</i></li>"
                "<li><b>Ký tài liệu kèm theo</b> – ký phụ lục, tài liệu đính kèm văn bản chính. "
                "<i>(vgca_sign_appendix)</i></li>"
                "</ul>"
                "<p>Ngoài phần mềm quản lý văn bản, có thể ký một tệp PDF bất kỳ bằng phần mềm "
                "<b>vSignPDF</b>, dùng với chữ ký số chuyên dùng công vụ.</p>"
            ),
            steps(
                "Ký số văn bản PDF bằng vSignPDF",
                "Cắm USB token (hoặc chuẩn bị điện thoại nếu dùng SIM PKI, ký số từ xa) rồi mở "
                "phần mềm vSignPDF.",
                "Mở tệp PDF cần ký và <b>đọc lại toàn bộ nội dung</b>: sau khi ký, mọi sửa đổi "
                "đều làm chữ ký không còn hợp lệ.",
                "Chọn chức năng ký số và chọn đúng chứng thư mang tên bạn; nếu máy có nhiều "
                "chứng thư, kiểm tra tên và thời hạn.",
                "Chọn vị trí đặt hình ảnh chữ ký trên trang theo mẫu đơn vị đã hướng dẫn.",
                "Bấm ký và nhập mã PIN. Lưu tệp đã ký thành tệp mới, giữ nguyên tệp gốc.",
                "Mở lại tệp vừa ký và kiểm tra chữ ký (Bài 4) trước khi gửi đi.",
            ),
            steps(
                "Ký phát hành văn bản trên phần mềm quản lý văn bản (dành cho văn thư)",
                "Mở văn bản đã được người có thẩm quyền ký phê duyệt trong danh sách chờ phát "
                "hành.",
                "Kiểm tra thể thức, chữ ký của người có thẩm quyền và đủ các tài liệu kèm theo.",
                "Cấp số, ký hiệu và ngày ban hành theo sổ đăng ký văn bản đi của cơ quan.",
                "Bấm “Ký phát hành”, chọn <b>chứng thư của cơ quan</b> (không chọn chứng thư cá "
                "nhân) và nhập mã PIN.",
                "Ký số các phụ lục, tài liệu kèm theo nếu có, rồi phát hành tới nơi nhận.",
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b> về công tác văn thư, Điều 14: văn bản đi "
                "được cấp số, thời gian ban hành, đăng ký, rồi với văn bản điện tử là <b>ký số "
                "của cơ quan, tổ chức</b>, sau đó mới phát hành và lưu.</p>"
            ),
            tip(
                "<p>Hình thức và vị trí hiển thị chữ ký số trên văn bản điện tử được quy định "
                "trong Nghị định 30/2020/NĐ-CP. Phần mềm của tỉnh thường đã cấu hình sẵn mẫu "
                "hiển thị; nếu hình ảnh chữ ký hoặc con dấu hiện sai vị trí, hãy báo quản trị "
                "hệ thống thay vì tự sửa tệp.</p>"
            ),
            warning(
                "<p>Không ký phát hành văn bản chưa có chữ ký phê duyệt của người có thẩm "
                "quyền. Không sửa nội dung tệp sau khi lãnh đạo đã ký: mọi thay đổi phải trình "
                "ký lại.</p>"
            ),
        ],
    },
    {
        "slug": "kiem-tra-chu-ky-so",
        "title": "Kiểm tra (xác thực) chữ ký số",
        "summary": (
            "Kiểm tra hiệu lực chứng thư, tính toàn vẹn của tệp và thời gian ký trước khi xử "
            "lý hoặc phát hành văn bản điện tử."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p>Trước khi xử lý một văn bản điện tử đến, và trước khi phát hành văn bản đi, "
                "cần kiểm tra chữ ký số. Việc kiểm tra gồm ba điều:</p>"
                "<ol>"
                "<li><b>Hiệu lực của chứng thư</b> – chứng thư do tổ chức có thẩm quyền cấp, "
                "còn thời hạn và chưa bị thu hồi vào thời điểm ký;</li>"
                "<li><b>Tính toàn vẹn của tệp</b> – nội dung không bị thay đổi sau khi ký;</li>"
                "<li><b>Thời gian ký</b> – thời điểm ký nằm trong thời hạn hiệu lực của chứng "
                "thư.</li>"
                "</ol>"
                "<p>Dịch vụ ký của Ban Cơ yếu Chính phủ có chức năng xác thực tệp PDF "
                "<i>(vgca_verify_pdf)</i>; vSignPDF và phần mềm quản lý văn bản hiển thị kết "
                "quả kiểm tra cho bạn.</p>"
            ),
            steps(
                "Kiểm tra chữ ký số trên tệp PDF",
                "Mở tệp bằng vSignPDF, hoặc chọn chức năng kiểm tra chữ ký trên phần mềm quản "
                "lý văn bản.",
                "Mở bảng thông tin chữ ký và xem lần lượt từng chữ ký trên văn bản (chữ ký cá "
                "nhân của người ký và chữ ký số của cơ quan).",
                "Đối chiếu tên người ký, tên cơ quan trong chứng thư với người ký và cơ quan ban "
                "hành ghi trên văn bản.",
                "Xem kết quả: chữ ký hợp lệ, tệp không bị thay đổi sau khi ký, chứng thư còn "
                "hiệu lực tại thời điểm ký.",
                "Nếu kết quả không hợp lệ hoặc có cảnh báo: không xử lý như văn bản hợp lệ; báo "
                "văn thư để trả lại qua hệ thống và đề nghị nơi gửi gửi lại.",
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b>, Điều 21 khoản 2: văn bản điện tử gửi đến "
                "phải được kiểm tra <b>tính xác thực và tính toàn vẹn</b> trước khi tiếp nhận, "
                "đăng ký.</p>"
            ),
            tip(
                "<p>Hình ảnh chữ ký và con dấu nhìn thấy trên trang chỉ là phần hiển thị. Giá "
                "trị nằm ở chữ ký số bên trong tệp: một tệp được dán hình ảnh chữ ký sẽ bị phát "
                "hiện ngay khi kiểm tra.</p>"
            ),
            warning(
                "<p>Bản in giấy của văn bản điện tử không còn chữ ký số để kiểm tra. Khi cần "
                "bản giấy có giá trị, thực hiện sao văn bản điện tử sang giấy theo quy định về "
                "công tác văn thư, không dùng bản in thông thường thay thế.</p>"
            ),
        ],
    },
    {
        "slug": "gia-han-thay-doi-thu-hoi",
        "title": "Gia hạn, thay đổi thông tin và thu hồi chứng thư",
        "summary": (
            "Vòng đời chứng thư: khi nào gia hạn, thay đổi thông tin (nhất là sau sắp xếp đơn "
            "vị hành chính) và thu hồi; xử lý khi mất USB token."
        ),
        "minutes": 15,
        "body": [
            text(
                "<ul>"
                "<li><b>Gia hạn</b> – khi chứng thư sắp hết hạn mà bạn vẫn cần ký số; chứng thư "
                "gia hạn có thời hạn tối đa 3 năm.</li>"
                "<li><b>Thay đổi thông tin</b> – khi đổi chức vụ, chuyển cơ quan, hoặc tên cơ "
                "quan, đơn vị hành chính thay đổi.</li>"
                "<li><b>Thu hồi</b> – khi khóa bí mật bị mất hoặc bị lộ, khi thiết bị lưu khóa "
                "bị hỏng, hoặc theo đề nghị của cơ quan quản lý khi người dùng không còn nhiệm "
                "vụ cần ký số.</li>"
                "</ul>"
                "<h2>Sau sắp xếp đơn vị hành chính năm 2025</h2>"
                "<p>Từ 01/7/2025, chính quyền địa phương hai cấp đi vào hoạt động, cấp huyện kết "
                "thúc hoạt động và nhiều xã được sắp xếp, đổi tên. Sáu tháng đầu năm 2025, Ban "
                "Cơ yếu Chính phủ đã xử lý khoảng 103.000 chứng thư thay đổi sau sắp xếp. Theo "
                "Công văn 275/BCY-CTSBMTT ngày 16/5/2025 của Ban Cơ yếu Chính phủ, trong quá "
                "trình sắp xếp, cơ quan đề nghị <b>thay đổi thông tin</b> chứng thư, không đề "
                "nghị cấp mới.</p>"
            ),
            steps(
                "Xử lý khi mất hoặc hỏng USB token",
                "<b>Báo ngay</b> cho lãnh đạo và bộ phận phụ trách chữ ký số của cơ quan – đây "
                "là việc đầu tiên phải làm.",
                "Cơ quan quản lý trực tiếp gửi đề nghị <b>thu hồi</b> chứng thư tới tổ chức cung "
                "cấp dịch vụ (Ban Cơ yếu Chính phủ hoặc đầu mối được giao tại tỉnh).",
                "Trong lúc chờ thu hồi, không dùng chứng thư đó; nếu thấy văn bản lạ mang chữ ký "
                "của mình, báo ngay cho lãnh đạo.",
                "Sau khi chứng thư cũ bị thu hồi, cơ quan đề nghị cấp chứng thư mới – có thể "
                "chọn SIM PKI hoặc ký số từ xa nếu phù hợp hơn.",
                "Nhận chứng thư mới, đổi mã PIN, ký thử một tệp và kiểm tra chữ ký.",
            ),
            steps(
                "Gia hạn hoặc thay đổi thông tin chứng thư",
                "Định kỳ xem thời hạn chứng thư (trong phần mềm quản lý token hoặc khi xem chữ "
                "ký trong vSignPDF); đặt lịch nhắc trước ngày hết hạn ít nhất một tháng.",
                "Báo bộ phận phụ trách của UBND xã: họ tên, chức danh, thông tin cần thay đổi "
                "(chức vụ, tên cơ quan mới…) hoặc đề nghị gia hạn.",
                "Cơ quan quản lý trực tiếp lập văn bản đề nghị gửi tổ chức cung cấp dịch vụ.",
                "Khi có kết quả, cập nhật chứng thư vào thiết bị hoặc ứng dụng theo hướng dẫn; "
                "ký thử và kiểm tra thông tin mới hiển thị đúng.",
            ),
            law(
                "<p><b>Nghị định 68/2024/NĐ-CP</b>: chứng thư cấp mới có thời hạn tối đa 5 năm, "
                "gia hạn tối đa 3 năm; cấp mới, gia hạn, thay đổi thông tin và thu hồi thực "
                "hiện theo đề nghị của cơ quan quản lý trực tiếp; chứng thư bị thu hồi khi mất, "
                "lộ khóa bí mật hoặc thiết bị bị hỏng.</p>"
            ),
            tip(
                "<p>Bộ phận nhân sự nên lập danh sách chứng thư sắp hết hạn trong 90 ngày tới "
                "để đề nghị gia hạn sớm, tránh gián đoạn việc ký văn bản.</p>"
            ),
            quiz(
                "Bài kiểm tra cuối khóa: 10 câu hỏi về chữ ký số chuyên dùng công vụ, chọn ngẫu "
                "nhiên từ ngân hàng câu hỏi; cần đạt 80% để hoàn thành khóa học.",
                "chu-ky-so-chuyen-dung-cong-vu",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------------------------
# Course B — Phần mềm quản lý văn bản và điều hành (DOMAIN.md §3, §8 B)

DOCUMENT_LESSONS = [
    {
        "slug": "quy-trinh-van-ban-theo-nghi-dinh-30",
        "title": "Quy trình văn bản đến, văn bản đi theo Nghị định 30/2020/NĐ-CP",
        "summary": (
            "Các bước quản lý văn bản đến và văn bản đi mà mọi phần mềm quản lý văn bản đều "
            "theo; việc của văn thư, lãnh đạo và chuyên viên."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p><b>Hệ thống quản lý văn bản và điều hành</b> của tỉnh được xây dựng theo "
                "đúng trình tự của Nghị định 30/2020/NĐ-CP về công tác văn thư. Dù tỉnh dùng "
                "VNPT-iOffice, Viettel vOffice hay sản phẩm khác, các bước vẫn như nhau; nắm "
                "được trình tự là dùng được mọi phần mềm.</p>"
            ),
            steps(
                "Trình tự quản lý văn bản đến (Điều 20)",
                "<b>Tiếp nhận</b> văn bản đến.",
                "<b>Đăng ký</b> văn bản đến (vào sổ hoặc cơ sở dữ liệu văn bản đến).",
                "<b>Trình, chuyển giao</b> văn bản đến.",
                "<b>Giải quyết và theo dõi, đôn đốc</b> việc giải quyết văn bản đến.",
            ),
            steps(
                "Trình tự quản lý văn bản đi (Điều 14)",
                "<b>Cấp số, thời gian ban hành</b> văn bản.",
                "<b>Đăng ký</b> văn bản đi.",
                "Với văn bản điện tử: <b>ký số của cơ quan, tổ chức</b> (với văn bản giấy: nhân "
                "bản, đóng dấu).",
                "<b>Phát hành</b> và theo dõi việc chuyển phát văn bản đi.",
                "<b>Lưu</b> văn bản đi.",
            ),
            text(
                "<h2>Ai làm gì trên hệ thống?</h2>"
                "<ul>"
                "<li><b>Văn thư</b>: tiếp nhận, đăng ký văn bản đến; cấp số, đăng ký, ký số của "
                "cơ quan và phát hành văn bản đi, gửi nhận qua trục liên thông.</li>"
                "<li><b>Lãnh đạo</b>: cho ý kiến chỉ đạo (bút phê), phân công xử lý, ký phê "
                "duyệt văn bản.</li>"
                "<li><b>Chuyên viên, công chức</b>: xử lý văn bản được giao đúng hạn, soạn dự "
                "thảo, trình ký.</li>"
                "<li><b>Mọi người</b>: lập hồ sơ điện tử, lưu trữ, tra cứu và giữ an toàn thông "
                "tin.</li>"
                "</ul>"
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b> về công tác văn thư: Điều 14 (văn bản đi), "
                "Điều 20 (văn bản đến), Điều 21 (tiếp nhận văn bản đến). <b>Quyết định "
                "28/2018/QĐ-TTg</b> về gửi, nhận văn bản điện tử giữa các cơ quan trong hệ thống "
                "hành chính nhà nước. <b>Quyết định 626/QĐ-VPCP</b> ngày 01/8/2019 về Trục liên "
                "thông văn bản quốc gia. Mã định danh cơ quan theo <b>QCVN 102:2016/BTTTT</b>.</p>"
            ),
            tip(
                "<p>Khi chưa biết việc tiếp theo với một văn bản, hãy xem trạng thái của nó trên "
                "hệ thống (chờ tiếp nhận, chờ xử lý, chờ ký, đã phát hành…) rồi đối chiếu với "
                "các bước ở trên.</p>"
            ),
        ],
    },
    {
        "slug": "tiep-nhan-van-ban-den",
        "title": "Tiếp nhận, kiểm tra và đăng ký văn bản đến",
        "summary": (
            "Nhận văn bản qua trục liên thông, kiểm tra tính xác thực và toàn vẹn, trả lại văn "
            "bản sai qua hệ thống, đăng ký và thông báo đã nhận ngay trong ngày."
        ),
        "minutes": 20,
        "body": [
            text(
                "<p>Văn bản điện tử giữa các cơ quan nhà nước được gửi, nhận qua <b>Trục liên "
                "thông văn bản quốc gia</b>: phần mềm quản lý văn bản của xã kết nối với trục, "
                "và mỗi cơ quan được nhận diện bằng <b>mã định danh</b> theo QCVN "
                "102:2016/BTTTT. Văn thư là người tiếp nhận đầu tiên.</p>"
            ),
            steps(
                "Tiếp nhận văn bản đến trên hệ thống",
                "Mở danh sách văn bản đến <b>chờ tiếp nhận</b> (văn bản nhận qua trục liên thông).",
                "Kiểm tra <b>tính xác thực và toàn vẹn</b>: chữ ký số của cơ quan gửi hợp lệ, "
                "tệp mở được, đủ tài liệu kèm theo.",
                "Nếu văn bản gửi sai nơi nhận hoặc không hợp lệ: chọn <b>trả lại</b> và ghi rõ "
                "lý do – việc trả lại thực hiện <b>qua hệ thống</b>.",
                "Nếu hợp lệ: tiếp nhận, ký số văn bản đến và <b>đăng ký</b>: số đến, ngày đến, "
                "cơ quan ban hành, số và ký hiệu, trích yếu, độ khẩn.",
                "Xác nhận đã nhận để hệ thống <b>thông báo cho nơi gửi ngay trong ngày</b>.",
                "Trình lãnh đạo cho ý kiến chỉ đạo hoặc chuyển người, bộ phận xử lý theo quy chế "
                "của cơ quan.",
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b>, Điều 21 khoản 2: văn bản điện tử đến phải "
                "được kiểm tra tính xác thực và toàn vẹn; văn bản gửi sai nơi nhận hoặc không "
                "đúng quy định thì trả lại cho nơi gửi trên hệ thống; cơ quan nhận phải thông "
                "báo cho nơi gửi về việc đã nhận văn bản <b>ngay trong ngày</b>.</p>"
            ),
            warning(
                "<p>Văn bản có độ khẩn (khẩn, thượng khẩn, hỏa tốc) phải được trình và chuyển "
                "ngay sau khi tiếp nhận, không để đến cuối ngày.</p>"
            ),
            tip(
                "<p>Văn bản giấy gửi đến vẫn phải được đăng ký vào hệ thống; theo quy chế của cơ "
                "quan, văn thư quét (số hóa) văn bản để chuyển xử lý trên hệ thống như văn bản "
                "điện tử.</p>"
            ),
        ],
    },
    {
        "slug": "but-phe-phan-cong-han-xu-ly",
        "title": "Bút phê, phân công xử lý và hạn xử lý",
        "summary": (
            "Lãnh đạo cho ý kiến chỉ đạo, phân công chủ trì, phối hợp và đặt hạn; công chức xử "
            "lý văn bản được giao đúng hạn."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p><b>Bút phê</b> là ý kiến chỉ đạo, phân công của lãnh đạo đối với văn bản "
                "đến. Trên hệ thống, bút phê gồm:</p>"
                "<ul>"
                "<li><b>nội dung chỉ đạo</b> – cần làm gì, kết quả là gì;</li>"
                "<li><b>người hoặc bộ phận chủ trì</b> – chịu trách nhiệm chính;</li>"
                "<li><b>người phối hợp</b> và người nhận <b>để biết</b>;</li>"
                "<li><b>hạn xử lý</b> – hệ thống dùng hạn này để nhắc việc và báo quá hạn.</li>"
                "</ul>"
            ),
            steps(
                "Cho ý kiến chỉ đạo và chuyển xử lý (dành cho lãnh đạo)",
                "Mở danh sách văn bản văn thư trình, ưu tiên văn bản có độ khẩn.",
                "Đọc văn bản và tài liệu kèm theo.",
                "Ghi ý kiến chỉ đạo ngắn gọn, rõ việc cần làm và kết quả cần có.",
                "Chọn người hoặc bộ phận chủ trì; chọn người phối hợp, người để biết.",
                "Đặt hạn xử lý; nếu văn bản đến có thời hạn trả lời, đặt hạn sớm hơn để còn thời "
                "gian trình ký.",
                "Chuyển xử lý và theo dõi trong danh sách văn bản đã chỉ đạo.",
            ),
            steps(
                "Xử lý văn bản được giao (dành cho công chức)",
                "Mỗi đầu ngày, mở danh sách văn bản chờ xử lý và sắp xếp theo hạn.",
                "Đọc ý kiến chỉ đạo; xác định mình chủ trì hay phối hợp.",
                "Nếu văn bản không thuộc lĩnh vực của mình: đề nghị chuyển lại, ghi rõ lý do, "
                "không để văn bản nằm chờ.",
                "Xử lý: trao đổi với người phối hợp ngay trên hệ thống, soạn dự thảo văn bản trả "
                "lời nếu cần (Bài 4).",
                "Cập nhật kết quả, kết thúc xử lý trên hệ thống và đưa văn bản vào hồ sơ công "
                "việc (Bài 5).",
            ),
            warning(
                "<p>Xử lý xong “ngoài hệ thống” mà không cập nhật kết quả thì văn bản vẫn bị "
                "tính là chưa xử lý và có thể bị báo quá hạn.</p>"
            ),
        ],
    },
    {
        "slug": "soan-thao-trinh-ky-phat-hanh",
        "title": "Soạn thảo, trình ký, ký số và phát hành văn bản đi",
        "summary": (
            "Đi hết vòng đời văn bản đi trên hệ thống: dự thảo, trình ký, ký phê duyệt, cấp "
            "số, ký số của cơ quan, phát hành qua trục liên thông."
        ),
        "minutes": 20,
        "body": [
            steps(
                "Từ dự thảo đến văn bản phát hành",
                "Chuyên viên soạn dự thảo đúng thể thức, kỹ thuật trình bày theo Nghị định "
                "30/2020/NĐ-CP.",
                "Tạo phiếu trình trên hệ thống: trích yếu, loại văn bản, người ký, nơi nhận; "
                "đính kèm dự thảo và tài liệu liên quan.",
                "Lãnh đạo bộ phận kiểm tra, <b>ký nháy</b> nếu quy chế yêu cầu, rồi trình tiếp; "
                "hoặc trả lại kèm ý kiến để sửa.",
                "Người có thẩm quyền xem và <b>ký phê duyệt</b> bằng chữ ký số cá nhân.",
                "Văn thư kiểm tra thể thức, <b>cấp số, thời gian ban hành</b>, đăng ký và "
                "<b>ký số của cơ quan</b>.",
                "Văn thư <b>phát hành</b> qua Trục liên thông văn bản quốc gia tới nơi nhận và "
                "theo dõi trạng thái đã nhận.",
                "<b>Lưu</b> văn bản đi trên hệ thống và đưa vào hồ sơ công việc.",
            ),
            text(
                "<h2>Số và ký hiệu</h2>"
                "<p>Số văn bản do văn thư cấp theo thứ tự đăng ký trong năm; ký hiệu gồm chữ "
                "viết tắt tên loại văn bản và tên cơ quan ban hành, ví dụ <b>Số: 25/QĐ-UBND</b> "
                "cho một quyết định của UBND xã (công văn không có chữ viết tắt tên loại). "
                "Người soạn thảo không tự đặt số.</p>"
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b>, Điều 14: cấp số, thời gian ban hành → đăng "
                "ký → ký số của cơ quan → phát hành và theo dõi → lưu văn bản đi. Chữ ký số cá "
                "nhân và chữ ký số cơ quan trên văn bản điện tử là chữ ký số chuyên dùng công "
                "vụ (khóa học “Chữ ký số chuyên dùng công vụ”).</p>"
            ),
            warning(
                "<p>Không gửi văn bản của cơ quan qua thư điện tử cá nhân hay mạng xã hội; văn "
                "bản giữa các cơ quan nhà nước đi qua hệ thống và trục liên thông.</p>"
            ),
            tip(
                "<p>Trước khi trình, đọc lại trích yếu và danh sách nơi nhận: đây là hai chỗ "
                "hay sai nhất và khó sửa nhất sau khi văn bản đã phát hành.</p>"
            ),
        ],
    },
    {
        "slug": "ho-so-dien-tu-luu-tru-bao-mat",
        "title": "Hồ sơ điện tử, lưu trữ, tra cứu và bảo mật",
        "summary": (
            "Lập hồ sơ công việc điện tử, nộp lưu, tìm văn bản nhanh và giữ an toàn tài khoản, "
            "tài liệu."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p>Mỗi người được giao giải quyết công việc có trách nhiệm <b>lập hồ sơ</b> về "
                "công việc đó: tập hợp các văn bản đến, văn bản đi và tài liệu liên quan thành "
                "một hồ sơ, rồi <b>nộp lưu</b> vào Lưu trữ cơ quan. Trên hệ thống, hồ sơ là hồ "
                "sơ điện tử; văn bản được gắn vào hồ sơ ngay khi xử lý xong.</p>"
            ),
            steps(
                "Lập hồ sơ công việc điện tử",
                "Đầu năm, xem <b>Danh mục hồ sơ</b> của cơ quan để biết mình chịu trách nhiệm "
                "lập những hồ sơ nào.",
                "Tạo hồ sơ trên hệ thống theo đúng tiêu đề và số, ký hiệu trong danh mục.",
                "Xử lý xong văn bản nào, gắn văn bản đó (đến, đi, tài liệu cần giữ) vào hồ sơ "
                "tương ứng.",
                "Khi công việc kết thúc: kiểm tra đủ văn bản, sắp xếp theo trình tự giải quyết "
                "và kết thúc hồ sơ.",
                "Nộp lưu hồ sơ vào Lưu trữ cơ quan theo thời hạn và quy trình của cơ quan.",
            ),
            text(
                "<h2>Tra cứu nhanh</h2>"
                "<ul>"
                "<li>Tìm theo <b>số, ký hiệu</b> (ví dụ 30/2020/NĐ-CP) khi đã biết văn bản.</li>"
                "<li>Tìm theo từ khóa trong <b>trích yếu</b>, kết hợp lọc theo cơ quan ban hành, "
                "loại văn bản và khoảng thời gian.</li>"
                "<li>Mở hồ sơ công việc để xem toàn bộ văn bản của một việc theo đúng trình "
                "tự.</li>"
                "</ul>"
            ),
            warning(
                "<p>Văn bản có nội dung <b>bí mật nhà nước</b> không được soạn thảo, lưu giữ hay "
                "gửi trên máy tính, hệ thống có kết nối Internet; thực hiện theo quy định về bảo "
                "vệ bí mật nhà nước và quy chế của cơ quan.</p>"
            ),
            tip(
                "<p>Giữ an toàn tài khoản: không dùng chung tài khoản, đặt mật khẩu mạnh, đăng "
                "xuất khi rời máy dùng chung, bật xác thực hai lớp nếu hệ thống hỗ trợ.</p>"
            ),
            law(
                "<p><b>Nghị định 30/2020/NĐ-CP</b> quy định việc lập hồ sơ và nộp lưu hồ sơ, "
                "tài liệu vào Lưu trữ cơ quan, áp dụng cho cả hồ sơ điện tử.</p>"
            ),
            quiz(
                "Bài kiểm tra cuối khóa: 12 câu hỏi về quản lý văn bản điện tử; cần đạt 80% để "
                "hoàn thành khóa học.",
                "quan-ly-van-ban-va-dieu-hanh",
            ),
        ],
    },
    {
        "slug": "ung-dung-di-dong",
        "title": "Xử lý văn bản trên ứng dụng di động",
        "summary": (
            "Xem, bút phê, chuyển xử lý và ký số văn bản trên điện thoại bằng SIM PKI hoặc ký "
            "số từ xa."
        ),
        "minutes": 10,
        "optional": True,
        "body": [
            text(
                "<p>Nhiều phần mềm quản lý văn bản có ứng dụng di động đi kèm (ví dụ VNPT-iOffice; "
                "Viettel vOffice/mOffice dùng với Mobile CA). Trên điện thoại, lãnh đạo có thể "
                "xem văn bản, bút phê, chuyển xử lý và ký số khi đi công tác.</p>"
            ),
            steps(
                "Cài đặt và dùng ứng dụng di động",
                "Hỏi quản trị hệ thống tên ứng dụng chính thức tỉnh đang dùng; chỉ cài từ kho "
                "ứng dụng chính thức của điện thoại (App Store hoặc Google Play).",
                "Đăng nhập bằng tài khoản hệ thống quản lý văn bản như trên máy tính.",
                "Bật thông báo để nhận văn bản mới và nhắc văn bản sắp đến hạn.",
                "Xem văn bản, bút phê và chuyển xử lý ngay trên điện thoại.",
                "Ký số trên điện thoại bằng SIM PKI hoặc ký số từ xa (USB token thường chỉ dùng "
                "được trên máy tính).",
            ),
            warning(
                "<p>Điện thoại có ứng dụng quản lý văn bản phải đặt khóa màn hình. Khi mất điện "
                "thoại, báo ngay quản trị hệ thống để khóa phiên đăng nhập; nếu dùng SIM PKI, "
                "báo cơ quan để đề nghị thu hồi chứng thư.</p>"
            ),
            quiz(
                "Bài tự luận không bắt buộc: xử lý văn bản hỏa tốc và ký duyệt dự thảo khi đi "
                "công tác, chỉ với điện thoại. Giảng viên chấm và nhận xét.",
                "tu-luan-xu-ly-van-ban-tren-dien-thoai",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------------------------
# Course C — Dịch vụ công trực tuyến & một cửa (DOMAIN.md §4, §8 C)

PUBLIC_SERVICE_LESSONS = [
    {
        "slug": "dich-vu-cong-toan-trinh-mot-phan",
        "title": "Dịch vụ công trực tuyến toàn trình, một phần và cơ chế một cửa",
        "summary": (
            "Hai mức dịch vụ công trực tuyến theo Nghị định 42/2022/NĐ-CP; cơ chế một cửa "
            "theo Nghị định 118/2025/NĐ-CP; Trung tâm Phục vụ hành chính công cấp xã."
        ),
        "minutes": 15,
        "body": [
            text(
                "<h2>Hai mức dịch vụ công trực tuyến</h2>"
                "<p>Từ 15/8/2022, Nghị định 42/2022/NĐ-CP thay 4 mức độ của Nghị định "
                "43/2011/NĐ-CP bằng <b>hai mức</b>:</p>"
                "<ul>"
                "<li><b>Toàn trình</b> – cung cấp thông tin, nộp, xử lý hồ sơ đều thực hiện "
                "trực tuyến; kết quả trả <b>trực tuyến</b> hoặc qua <b>bưu chính công "
                "ích</b>.</li>"
                "<li><b>Một phần</b> – các dịch vụ còn lại: có bước người dân vẫn phải đến trực "
                "tiếp (ví dụ nộp bản gốc, nhận kết quả).</li>"
                "</ul>"
                "<p>Theo cách gọi cũ, “mức độ 3” là nộp và xử lý hồ sơ trực tuyến, còn nộp phí, "
                "lệ phí và nhận kết quả trực tiếp; “mức độ 4” là trực tuyến hoàn toàn. Dịch vụ "
                "công trực tuyến phải dùng chữ ký số, biểu mẫu điện tử tương tác và <b>tái sử "
                "dụng dữ liệu</b> đã có trong các cơ sở dữ liệu quốc gia, để người dân không "
                "phải khai lại.</p>"
                "<h2>Một cửa ở cấp xã</h2>"
                "<p>Từ 01/7/2025, <b>Trung tâm Phục vụ hành chính công</b> cấp xã đi vào hoạt "
                "động – nơi tiếp nhận hồ sơ, số hóa và trả kết quả thủ tục hành chính; Trung "
                "tâm do lãnh đạo UBND xã (thường là một Phó Chủ tịch) phụ trách. Người dân có "
                "thể nộp hồ sơ tại Trung tâm hoặc trực tuyến qua <b>Cổng Dịch vụ công quốc "
                "gia</b>.</p>"
            ),
            law(
                "<p><b>Nghị định 42/2022/NĐ-CP</b> (hiệu lực từ 15/8/2022): cung cấp thông tin và "
                "dịch vụ công trực tuyến, hai mức toàn trình và một phần. <b>Nghị định "
                "118/2025/NĐ-CP</b> ngày 09/6/2025: cơ chế một cửa, một cửa liên thông, áp dụng "
                "cả với Trung tâm Phục vụ hành chính công cấp tỉnh, cấp xã và Cổng Dịch vụ công "
                "quốc gia, kế tiếp các Nghị định 61/2018/NĐ-CP và 107/2021/NĐ-CP; hướng dẫn tại "
                "<b>Thông tư 03/2025/TT-VPCP</b>. Điều khoản hiệu lực và bãi bỏ cụ thể, hãy đối "
                "chiếu văn bản gốc.</p>"
            ),
            steps(
                "Xác định mức độ dịch vụ công của một thủ tục",
                "Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của "
                "tỉnh, mục thủ tục hành chính.",
                "Xem thủ tục được cung cấp <b>toàn trình</b> hay <b>một phần</b>, cơ quan giải "
                "quyết, thành phần hồ sơ, thời hạn và phí, lệ phí.",
                "Thủ tục toàn trình: hướng dẫn người dân nộp trực tuyến và chọn nhận kết quả "
                "trực tuyến hoặc qua bưu chính công ích.",
                "Thủ tục một phần: hướng dẫn nộp trực tuyến phần làm được, và cho biết rõ bước "
                "nào phải đến Trung tâm.",
            ),
            tip(
                "<p>Trả lời người dân bằng thông tin công khai trên Cổng, không theo trí nhớ: "
                "thành phần hồ sơ và thời hạn của thủ tục có thể đã được công bố lại.</p>"
            ),
        ],
    },
    {
        "slug": "cong-dich-vu-cong-quoc-gia-vneid",
        "title": "Cổng Dịch vụ công quốc gia và tài khoản VNeID",
        "summary": (
            "Đăng nhập Cổng bằng VNeID, tài khoản định danh điện tử mức 1 và 2, hướng dẫn "
            "người dân tự nộp hồ sơ trực tuyến."
        ),
        "minutes": 20,
        "body": [
            text(
                "<p>Từ 01/7/2024, Cổng Dịch vụ công quốc gia dùng <b>tài khoản định danh điện tử "
                "VNeID</b> để đăng nhập. Tài khoản cũ của Cổng phải được gắn với <b>số định danh "
                "cá nhân</b> (số căn cước công dân) – cán bộ, công chức cũng vậy.</p>"
                "<p>Nghị định 69/2024/NĐ-CP quy định tài khoản định danh điện tử <b>mức 1</b> và "
                "<b>mức 2</b>; mức 2 có độ tin cậy cao hơn và dùng được cho nhiều giao dịch hơn. "
                "Người dân đăng ký, nâng mức tài khoản theo hướng dẫn của cơ quan Công an.</p>"
            ),
            steps(
                "Hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
                "Hỏi người dân đã có tài khoản VNeID chưa; nếu chưa, hướng dẫn đăng ký với cơ "
                "quan Công an.",
                "Người dân <b>tự đăng nhập</b> Cổng bằng VNeID trên điện thoại của mình hoặc máy "
                "tính tại khu vực hướng dẫn; người dân tự nhập mật khẩu và mã xác thực.",
                "Tìm thủ tục cần làm theo tên hoặc lĩnh vực; chọn đúng cơ quan giải quyết (ví dụ "
                "UBND xã nơi nộp).",
                "Điền tờ khai điện tử: kiểm tra thông tin Cổng tự điền từ cơ sở dữ liệu, chỉ "
                "nhập phần còn thiếu.",
                "Đính kèm thành phần hồ sơ (ảnh chụp hoặc bản quét rõ nét), hoặc chọn giấy tờ "
                "điện tử đã có nếu Cổng cho phép.",
                "Chọn cách nhận kết quả (trực tuyến hoặc qua bưu chính công ích) và thanh toán "
                "phí, lệ phí trực tuyến nếu có.",
                "Nộp hồ sơ và ghi lại <b>mã số hồ sơ</b> để tra cứu tiến độ.",
            ),
            warning(
                "<p>Không đăng nhập hộ, không hỏi hay giữ mật khẩu, mã xác thực (OTP) của người "
                "dân. Nếu người dân cần giúp thao tác, để họ tự nhập các thông tin bí mật.</p>"
            ),
            tip(
                "<p>Phong trào <b>“Bình dân học vụ số”</b> (Kế hoạch 01-KH/BCĐTW ngày 21/3/2025) "
                "phổ cập kỹ năng số cho người dân; kết quả hoàn thành phổ cập kỹ năng số được "
                "xác nhận trên VNeID. Hướng dẫn người dân nộp hồ sơ trực tuyến cũng là giúp họ "
                "học kỹ năng số.</p>"
            ),
            law(
                "<p><b>Nghị định 69/2024/NĐ-CP</b>: định danh và xác thực điện tử, tài khoản "
                "định danh điện tử mức 1, mức 2. <b>Nghị định 42/2022/NĐ-CP</b>: dịch vụ công "
                "trực tuyến.</p>"
            ),
        ],
    },
    {
        "slug": "tiep-nhan-ho-so-tren-he-thong",
        "title": "Tiếp nhận hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính",
        "summary": (
            "Kiểm tra hồ sơ, yêu cầu bổ sung một lần, từ chối tiếp nhận, mã số hồ sơ và Giấy "
            "tiếp nhận hồ sơ và hẹn trả kết quả."
        ),
        "minutes": 25,
        "body": [
            text(
                "<p>Công chức Trung tâm Phục vụ hành chính công tiếp nhận cả hồ sơ nộp trực "
                "tuyến (từ Cổng Dịch vụ công) và hồ sơ nộp trực tiếp trên <b>Hệ thống thông tin "
                "giải quyết thủ tục hành chính</b> của tỉnh. Mọi hồ sơ đều phải có trên hệ thống "
                "để được theo dõi đúng hạn.</p>"
            ),
            steps(
                "Tiếp nhận hồ sơ trên Hệ thống giải quyết TTHC",
                "Mở danh sách hồ sơ mới nộp trực tuyến, hoặc tạo hồ sơ mới cho người nộp trực "
                "tiếp; chọn đúng thủ tục.",
                "Kiểm tra thành phần, số lượng hồ sơ theo thủ tục đã công bố; khai thác dữ liệu "
                "đã có trong cơ sở dữ liệu khi hệ thống cho phép, hạn chế yêu cầu người dân nộp "
                "lại giấy tờ.",
                "Hồ sơ thiếu hoặc chưa đúng: chọn <b>yêu cầu bổ sung</b> và hướng dẫn đầy đủ các "
                "nội dung cần bổ sung <b>trong một lần</b>.",
                "Hồ sơ không thuộc thẩm quyền hoặc không đủ điều kiện: chọn <b>từ chối tiếp "
                "nhận</b> và ghi rõ lý do.",
                "Hồ sơ đủ: tiếp nhận; hệ thống cấp <b>mã số hồ sơ</b> và tính ngày hẹn trả.",
                "In hoặc gửi điện tử <b>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</b> cho người nộp.",
                "Số hóa thành phần hồ sơ giấy (Bài 4) và chuyển hồ sơ tới người giải quyết.",
            ),
            text(
                "<h2>Đọc mã số hồ sơ</h2>"
                "<p>Theo Điều 19 Thông tư 01/2018/TT-VPCP, mã số hồ sơ có dạng "
                "<b>V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX</b>:</p>"
                "<ul>"
                "<li>phần đầu – mã của cơ quan tiếp nhận;</li>"
                "<li><b>YYMMDD</b> – <b>ngày tiếp nhận</b> (năm, tháng, ngày, mỗi phần 2 chữ "
                "số);</li>"
                "<li><b>XXXX</b> – số thứ tự của hồ sơ tiếp nhận trong ngày.</li>"
                "</ul>"
                "<p>Ví dụ: hồ sơ thứ 12 tiếp nhận ngày 05/8/2026 có phần cuối "
                "<b>-260805-0012</b>. Quy định về một cửa năm 2025 có thể điều chỉnh cách đánh "
                "mã; hãy đối chiếu với mã in trên giấy tiếp nhận của hệ thống tỉnh.</p>"
                "<h2>Trạng thái hồ sơ</h2>"
                "<p>Mỗi hệ thống đặt tên trạng thái hơi khác nhau. Ví dụ nền tảng một cửa mã "
                "nguồn mở OpenCPS dùng: mới, đang tiếp nhận, đang xử lý, chờ, chờ trả kết quả, "
                "chờ thanh toán, hoàn thành, đã hủy, bị từ chối, đang sửa đổi bổ sung.</p>"
            ),
            law(
                "<p><b>Thông tư 01/2023/TT-VPCP</b>: số hóa hồ sơ và Hệ thống thông tin giải "
                "quyết thủ tục hành chính cấp tỉnh. <b>Thông tư 01/2018/TT-VPCP</b>, Điều 19: "
                "mã số hồ sơ. <b>Nghị định 118/2025/NĐ-CP</b>: cơ chế một cửa, một cửa liên "
                "thông.</p>"
            ),
            warning(
                "<p>Không nhận hồ sơ “ngoài hệ thống” (nhận giấy rồi để đó, không cấp mã): hồ "
                "sơ không có trên hệ thống thì không ai theo dõi được hạn, người dân không tra "
                "cứu được.</p>"
            ),
        ],
    },
    {
        "slug": "so-hoa-va-tra-ket-qua-dien-tu",
        "title": "Số hóa hồ sơ, ký số và trả kết quả điện tử",
        "summary": (
            "Số hóa thành phần hồ sơ khi tiếp nhận, ký số xác nhận, trả kết quả trực tuyến hoặc "
            "qua bưu chính công ích."
        ),
        "minutes": 20,
        "body": [
            text(
                "<p>Từ 01/6/2023, Bộ phận Một cửa cấp xã thực hiện <b>số hóa hồ sơ</b> khi tiếp "
                "nhận (Chỉ thị 02/CT-TTg). Hồ sơ, kết quả đã số hóa được lưu để <b>tái sử "
                "dụng</b>, hạn chế việc người dân phải nộp lại giấy tờ đó ở lần sau.</p>"
            ),
            steps(
                "Số hóa thành phần hồ sơ khi tiếp nhận",
                "Quét giấy tờ rõ nét, đúng chiều, đủ trang; mỗi thành phần hồ sơ là một tệp PDF.",
                "Kiểm tra tệp: đọc được, không mất góc, đúng người, đúng giấy tờ.",
                "Đính kèm vào đúng thành phần hồ sơ trên Hệ thống thông tin giải quyết TTHC.",
                "Ký số xác nhận bản số hóa bằng chữ ký số cá nhân của bạn, theo chức năng hệ "
                "thống cung cấp.",
                "Xử lý bản giấy theo quy định của thủ tục: trả lại người dân hoặc chuyển cùng hồ "
                "sơ nếu thủ tục yêu cầu bản chính.",
            ),
            steps(
                "Trả kết quả điện tử",
                "Khi hồ sơ đã giải quyết xong, kiểm tra kết quả đã được người có thẩm quyền ký "
                "số và (với văn bản của UBND xã) văn thư ký số của cơ quan.",
                "Kiểm tra kết quả điện tử đã đính kèm đúng hồ sơ, đúng người.",
                "Trả kết quả theo cách người dân đã chọn: trực tuyến trên Cổng Dịch vụ công, qua "
                "bưu chính công ích, hoặc trực tiếp tại Trung tâm.",
                "Cập nhật trạng thái “đã trả kết quả” và ngày trả trên hệ thống.",
                "Mời người dân đánh giá mức độ hài lòng.",
            ),
            law(
                "<p><b>Chỉ thị 02/CT-TTg</b>: Bộ phận Một cửa cấp xã số hóa hồ sơ từ 01/6/2023. "
                "<b>Thông tư 01/2023/TT-VPCP</b>: số hóa hồ sơ, kết quả giải quyết thủ tục hành "
                "chính. <b>Nghị định 42/2022/NĐ-CP</b>: dịch vụ toàn trình trả kết quả trực "
                "tuyến hoặc qua bưu chính công ích.</p>"
            ),
            tip(
                "<p>Quét ở độ phân giải vừa đủ đọc rõ chữ: tệp quá lớn làm người dân và đồng "
                "nghiệp khó mở trên điện thoại.</p>"
            ),
        ],
    },
    {
        "slug": "theo-doi-dung-han-hai-long-qd-766",
        "title": "Theo dõi đúng hạn, quá hạn; mức độ hài lòng; Bộ chỉ số theo QĐ 766",
        "summary": (
            "Theo dõi hồ sơ trước hạn, đúng hạn, quá hạn; xin lỗi và hẹn lại; đánh giá hài lòng "
            "và năm nhóm chỉ số của Quyết định 766/QĐ-TTg."
        ),
        "minutes": 15,
        "body": [
            text(
                "<p>Mỗi hồ sơ được hệ thống xếp loại theo ngày trả thực tế so với ngày hẹn: "
                "<b>trước hạn</b>, <b>đúng hạn</b> hoặc <b>quá hạn</b>. Các con số này được "
                "tổng hợp trên Cổng Dịch vụ công quốc gia để đánh giá chất lượng phục vụ của "
                "tỉnh.</p>"
                "<h2>Bộ chỉ số theo Quyết định 766/QĐ-TTg (2022)</h2>"
                "<p>Quyết định 766/QĐ-TTg đánh giá chất lượng phục vụ người dân, doanh nghiệp "
                "của mỗi tỉnh trên thang <b>100 điểm</b>, theo dữ liệu trên Cổng Dịch vụ công "
                "quốc gia:</p>"
                "<ul>"
                "<li>Công khai, minh bạch: 18 điểm;</li>"
                "<li><b>Tiến độ, kết quả giải quyết: 20 điểm</b>;</li>"
                "<li>Số hóa hồ sơ: 22 điểm;</li>"
                "<li>Cung cấp dịch vụ trực tuyến: 22 điểm;</li>"
                "<li>Mức độ hài lòng: 18 điểm.</li>"
                "</ul>"
                "<p>Mỗi hồ sơ xã tiếp nhận, số hóa, giải quyết đúng hạn và được đánh giá hài "
                "lòng đều góp vào điểm của tỉnh.</p>"
            ),
            steps(
                "Theo dõi hồ sơ sắp đến hạn mỗi ngày",
                "Đầu giờ làm việc, mở danh sách hồ sơ đang giải quyết và lọc hồ sơ đến hạn "
                "trong một, hai ngày tới.",
                "Nhắc người đang giải quyết ngay trên hệ thống.",
                "Hồ sơ có nguy cơ quá hạn: báo lãnh đạo phụ trách Trung tâm, xin lỗi người dân "
                "bằng văn bản và hẹn lại thời gian trả kết quả.",
                "Cập nhật đủ các bước trên hệ thống: hồ sơ đã giải quyết mà không cập nhật vẫn "
                "bị tính là chưa xong.",
                "Cuối tuần, xem tỷ lệ đúng hạn và kết quả đánh giá hài lòng của xã, tìm nguyên "
                "nhân các hồ sơ quá hạn.",
            ),
            warning(
                "<p>Các quy định về một cửa yêu cầu cơ quan để hồ sơ quá hạn phải xin lỗi người "
                "dân bằng văn bản và hẹn lại thời gian trả kết quả (thường gọi là phiếu xin lỗi "
                "và hẹn lại). Mẫu phiếu và thời điểm lập, hãy đối chiếu Nghị định 118/2025/NĐ-CP "
                "và hướng dẫn của tỉnh.</p>"
            ),
            law(
                "<p><b>Quyết định 766/QĐ-TTg</b> năm 2022: Bộ chỉ số chỉ đạo, điều hành và đánh "
                "giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành "
                "chính, dịch vụ công theo thời gian thực trên môi trường điện tử.</p>"
            ),
            tip(
                "<p>Mời người dân đánh giá ngay khi trả kết quả, tại Trung tâm hoặc trên Cổng "
                "Dịch vụ công: đánh giá để sau thường bị bỏ qua.</p>"
            ),
            quiz(
                "Bài kiểm tra cuối khóa: 12 câu hỏi về dịch vụ công trực tuyến và một cửa; cần đạt "
                "80% để hoàn thành khóa học.",
                "dich-vu-cong-truc-tuyen-mot-cua",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------------------------
# The catalogue

CATALOGUE = {
    "slug": "khoa-hoc",
    "title": "Khóa học",
    "intro": (
        "<p>Ba lộ trình cho cán bộ, công chức cấp xã: <b>chữ ký số chuyên dùng công vụ</b>, "
        "<b>phần mềm quản lý văn bản</b> và <b>dịch vụ công trực tuyến</b>. Mỗi bài học ngắn, "
        "có hướng dẫn từng bước, học được trên điện thoại.</p>"
    ),
}

# Which positions need which course (DOMAIN.md §6): everyone who signs documents needs the
# signature course; everyone who handles documents the document course, except the service
# centre, which works in the procedure system; leaders and the sector officers who handle
# dossiers need the public-service course.
COURSES = [
    {
        "key": "signature",
        "track": {
            "slug": "chu-ky-so",
            "title": "Chữ ký số chuyên dùng công vụ",
            "summary": (
                "Ký số văn bản điện tử đúng quy định: khái niệm, cài đặt, ký và kiểm tra chữ "
                "ký, gia hạn, thay đổi thông tin và thu hồi chứng thư."
            ),
        },
        "slug": "chu-ky-so-chuyen-dung-cong-vu",
        "title": "Chữ ký số chuyên dùng công vụ cho cán bộ cấp xã",
        "summary": (
            "Hiểu cơ sở pháp lý, dùng đúng ba hình thức chữ ký số (USB token, SIM PKI, ký số "
            "từ xa), ký và kiểm tra văn bản PDF, quản lý vòng đời chứng thư do Ban Cơ yếu Chính "
            "phủ cấp."
        ),
        "level": CoursePage.Level.BASIC,
        "skills": ["IU14", "DS04"],
        "positions": [
            "chu-tich",
            "pho-chu-tich",
            "van-thu",
            "van-phong",
            "tu-phap-ho-tich",
            "tai-chinh-ke-toan",
            "kinh-te",
            "van-hoa-xa-hoi",
            "mot-cua",
            "chuyen-doi-so",
        ],
        "lessons": SIGNATURE_LESSONS,
    },
    {
        "key": "documents",
        "track": {
            "slug": "quan-ly-van-ban",
            "title": "Quản lý văn bản và điều hành",
            "summary": (
                "Gửi, nhận, xử lý và phát hành văn bản điện tử trên hệ thống quản lý văn bản "
                "và điều hành, theo Nghị định 30/2020/NĐ-CP."
            ),
        },
        "slug": "phan-mem-quan-ly-van-ban",
        "title": "Phần mềm quản lý văn bản và điều hành",
        "summary": (
            "Tiếp nhận văn bản qua trục liên thông, bút phê và phân công, soạn thảo, trình ký, "
            "phát hành, lập hồ sơ điện tử – đúng trình tự của Nghị định 30/2020/NĐ-CP."
        ),
        "level": CoursePage.Level.BASIC,
        "skills": ["IU03", "IU06", "DS02"],
        "positions": [
            "chu-tich",
            "pho-chu-tich",
            "van-thu",
            "van-phong",
            "tu-phap-ho-tich",
            "tai-chinh-ke-toan",
            "kinh-te",
            "van-hoa-xa-hoi",
            "chuyen-doi-so",
            "to-chuc-nhan-su",
            "quan-su",
        ],
        "lessons": DOCUMENT_LESSONS,
    },
    {
        "key": "public_services",
        "track": {
            "slug": "dich-vu-cong",
            "title": "Dịch vụ công trực tuyến & một cửa",
            "summary": (
                "Tiếp nhận, số hóa, giải quyết và trả kết quả thủ tục hành chính; hỗ trợ người "
                "dân nộp hồ sơ trực tuyến."
            ),
        },
        "slug": "dich-vu-cong-truc-tuyen-mot-cua",
        "title": "Dịch vụ công trực tuyến và tiếp nhận hồ sơ một cửa",
        "summary": (
            "Hai mức dịch vụ công trực tuyến, Cổng Dịch vụ công quốc gia và VNeID, tiếp nhận "
            "và số hóa hồ sơ, trả kết quả điện tử, theo dõi đúng hạn và Bộ chỉ số theo Quyết "
            "định 766/QĐ-TTg."
        ),
        "level": CoursePage.Level.INTERMEDIATE,
        "skills": ["IU06", "DS06"],
        "positions": [
            "mot-cua",
            "chu-tich",
            "pho-chu-tich",
            "tu-phap-ho-tich",
            "kinh-te",
            "van-hoa-xa-hoi",
            "tai-chinh-ke-toan",
            "chuyen-doi-so",
        ],
        "lessons": PUBLIC_SERVICE_LESSONS,
    },
]

# ---------------------------------------------------------------------------------------------
# Demo progress

ALL = 99  # every required lesson done: the course is complete
# Every demo course awards a signed certificate, valid this long.
CERTIFICATE_VALID_MONTHS = 24

# Required lessons done by each demo officer, by commune and position (in demo.accounts.POSITIONS
# order: chair, vice-chair, clerk, justice, service centre, economy, culture–social, finance).
# The pattern shifts by one position per course, so an officer is not equally far everywhere;
# None means not enrolled. Communes differ on purpose: HR reports show leaders and laggards.
PROGRESS = {
    "03127": [ALL, ALL, ALL, 3, ALL, ALL, 2, ALL],
    "03172": [ALL, 2, ALL, 1, 3, 0, ALL, None],
    "03181": [ALL, 3, 2, ALL, None, ALL, 1, ALL],
    "03166": [1, 0, None, 2, ALL, None, 0, 1],
    "03199": [1, None, 0, None, 2, 0, None, None],
}
LEARNER_ACCOUNT = "hocvien"
LEARNER_LESSONS_DONE = 2  # in the signature course
HR_ACCOUNT = "nhansu.tinh"
# Named officers of a lagging commune, assigned the signature course with a past deadline.
OVERDUE_OFFICERS = ["canbo33", "canbo35"]
OVERDUE_DAYS = 14  # the deadline passed this many days before the first seeding
ASSIGNMENT_DAYS = 30  # time given to finish an assigned course
SERVICE_CENTRE_DAYS = 45  # the service-centre staff's deadline for the public-service course


# ---------------------------------------------------------------------------------------------
# Seeding


@transaction.atomic
def seed_courses():
    """Create or refresh the demo catalogue and progress; returns counts for the command."""
    home = _home_page()
    # There is one catalogue (max_count = 1); keep one made by hand under another slug.
    catalogue = CatalogueIndexPage.objects.child_of(home).first()
    if catalogue is None or catalogue.slug == CATALOGUE["slug"]:
        catalogue = _upsert(home, CatalogueIndexPage, **CATALOGUE)
    courses = {}
    lesson_count = 0
    for spec in COURSES:
        track = _upsert(catalogue, TrackPage, **spec["track"])
        course = _upsert(
            track,
            CoursePage,
            spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            level=spec["level"],
            estimated_minutes=sum(lesson["minutes"] for lesson in spec["lessons"]),
            issues_certificate=True,
            certificate_valid_months=CERTIFICATE_VALID_MONTHS,
            m2m={
                "skill_tags": list(SkillTag.objects.filter(code__in=spec["skills"])),
                "required_for_positions": list(
                    JobPosition.objects.filter(code__in=spec["positions"])
                ),
            },
        )
        for lesson in spec["lessons"]:
            _upsert(
                course,
                LessonPage,
                lesson["slug"],
                title=lesson["title"],
                summary=lesson["summary"],
                estimated_minutes=lesson["minutes"],
                optional=lesson.get("optional", False),
                # A copy: saving adds block ids to the raw data it is given.
                body=_placed(copy.deepcopy(lesson["body"])),
            )
            lesson_count += 1
        courses[spec["key"]] = course
    enrolments = _seed_progress(courses)
    return {"courses": len(courses), "lessons": lesson_count, "enrolments": enrolments}


def _home_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site else None
    if not isinstance(home, HomePage):
        home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("No home page: run `manage.py migrate` before seeding courses.")
    return home


def _upsert(parent, model, slug, m2m=None, **fields):
    """The child page of `parent` with this slug, created or brought up to date, and live.

    A new revision is published only when something differs, so re-running changes nothing.
    """
    m2m = m2m or {}
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        for name, objects in m2m.items():
            getattr(page, name).set(objects)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    changed = False
    for name, value in fields.items():
        if _comparable(name, getattr(page, name)) != _comparable(name, value):
            setattr(page, name, value)
            changed = True
    for name, objects in m2m.items():
        manager = getattr(page, name)
        if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
            manager.set(objects)
            changed = True
    if changed or not page.live:
        page.save_revision().publish()
    return page


def _comparable(name, value):
    if name == "body":
        if hasattr(value, "get_prep_value"):
            value = value.get_prep_value()
        return _strip_block_ids(list(value))
    return value


def _strip_block_ids(value):
    """Raw StreamField data without block ids, and list items unwrapped, for comparison."""
    if isinstance(value, list):
        return [_strip_block_ids(item) for item in value]
    if isinstance(value, dict):
        if value.get("type") == "item" and set(value) <= {"type", "value", "id"}:
            return _strip_block_ids(value["value"])
        return {key: _strip_block_ids(item) for key, item in value.items() if key != "id"}
    return value


def _seed_progress(courses):
    """Enrol demo officers with varied progress; returns the number of demo enrolments."""
    usernames = [LEARNER_ACCOUNT] + [row[0] for row in demo_officers()]
    officers = {
        officer.user.username: officer
        for officer in Officer.objects.filter(user__username__in=usernames).select_related(
            "user", "job_position"
        )
    }
    if not officers:
        return 0  # officers are not seeded: nothing to enrol
    lessons = {
        key: list(course.lessons().filter(optional=False)) for key, course in courses.items()
    }
    _seed_assignments(courses, officers)

    learner = officers.get(LEARNER_ACCOUNT)
    if learner:
        _do_lessons(learner, courses["signature"], lessons["signature"][:LEARNER_LESSONS_DONE])

    for n, (username, _name, commune, position, _title) in enumerate(demo_officers()):
        officer = officers.get(username)
        if officer is None:
            continue
        pattern = PROGRESS[commune]
        for k, spec in enumerate(COURSES):
            if position not in spec["positions"]:
                continue
            # demo_officers() lists each commune's positions in order: n % 8 is the position.
            done = pattern[(n + k) % len(pattern)]
            if done is None:
                continue
            course = courses[spec["key"]]
            _do_lessons(officer, course, lessons[spec["key"]][:done])
    return Enrolment.objects.filter(officer__in=officers.values()).count()


def _do_lessons(officer, course, lessons):
    """The officer reads the lessons, in order, each for its minimum reading time."""
    enrolment = progress.enrol(officer, course)
    done = set(
        LessonCompletion.objects.filter(officer=officer, lesson__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    pending = [lesson for lesson in lessons if lesson.pk not in done]
    now = timezone.now()
    moment = now - datetime.timedelta(
        seconds=sum(progress.minimum_reading_seconds(lesson) + 60 for lesson in pending)
    )
    for lesson in pending:
        progress.record_lesson_opened(officer, lesson, enrolment, now=moment)
        moment += datetime.timedelta(seconds=progress.minimum_reading_seconds(lesson) + 60)
        progress.record_lesson_done(officer, lesson, now=min(moment, now))


def _seed_assignments(courses, officers):
    """Two assignments by the province's HR: one overdue, one running."""
    hr_user = get_user_model().objects.filter(username=HR_ACCOUNT).first()
    if hr_user is None:
        return
    today = timezone.localdate()

    # The signature course, assigned to two named officers of a lagging commune; past deadline.
    overdue = Assignment.objects.filter(
        course=courses["signature"], unit=None, job_position=None, created_by=hr_user
    ).first()
    if overdue is None:
        deadline = today - datetime.timedelta(days=OVERDUE_DAYS)
        overdue = Assignment.objects.create(
            course=courses["signature"], deadline=deadline, created_by=hr_user
        )
        assigned_on = timezone.now() - datetime.timedelta(days=OVERDUE_DAYS + ASSIGNMENT_DAYS)
        Assignment.objects.filter(pk=overdue.pk).update(created_at=assigned_on)
        overdue.refresh_from_db()
        overdue.officers.set([officers[name] for name in OVERDUE_OFFICERS if name in officers])
    apply_assignment(overdue)
    # They were enrolled when it was assigned, not today.
    overdue.enrolments.filter(enrolled_at__gt=overdue.created_at).update(
        enrolled_at=overdue.created_at
    )

    # The public-service course, assigned to the service-centre staff of the whole province.
    province = AdministrativeUnit.objects.current().filter(code="11", level=Level.PROVINCE)
    position = JobPosition.objects.filter(code="mot-cua").first()
    if province.exists() and position:
        running, _created = Assignment.objects.get_or_create(
            course=courses["public_services"],
            unit=province.get(),
            job_position=position,
            defaults={
                "deadline": today + datetime.timedelta(days=SERVICE_CENTRE_DAYS),
                "created_by": hr_user,
            },
        )
        apply_assignment(running)
