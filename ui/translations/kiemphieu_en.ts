<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="vi_VN">
<context>
    <name>Tr</name>
    <message>
        <source>Người ứng cử</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <source>Máy đọc</source>
        <translation>Read as</translation>
    </message>
    <message>
        <source>Điểm</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Phát hiện trên tờ phiếu (làm phiếu không hợp lệ):</source>
        <translation>Findings on the sheet (they make the ballot invalid):</translation>
    </message>
    <message>
        <source>Lý do quyết định (ghi vào biên bản)</source>
        <translation>Reason for the decision (goes into the record)</translation>
    </message>
    <message>
        <source>&amp;Ghi quyết định…</source>
        <translation>&amp;Record the decision…</translation>
    </message>
    <message>
        <source>Để &amp;riêng, không đếm…</source>
        <translation>Set &amp;aside, not counted…</translation>
    </message>
    <message>
        <source>Cần một thành viên Ban kiểm phiếu đăng nhập để quyết định.</source>
        <translation>A committee member must sign in to decide.</translation>
    </message>
    <message>
        <source>— chọn —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <source>Ghi lý do trước khi quyết định.</source>
        <translation>Give the reason before deciding.</translation>
    </message>
    <message>
        <source>Chọn quyết định cho %1.</source>
        <translation>Choose the decision for %1.</translation>
    </message>
    <message>
        <source>Để riêng tờ %1 (không đếm): %2</source>
        <translation>Set sheet %1 aside (not counted): %2</translation>
    </message>
    <message>
        <source>Quyết định về tờ %1: %2</source>
        <translation>Decision on sheet %1: %2</translation>
    </message>
    <message>
        <source>Đã ghi quyết định về tờ %1 (%2 và %3).</source>
        <translation>Decision on sheet %1 recorded (%2 and %3).</translation>
    </message>
    <message>
        <source>&amp;Cuộc bầu:</source>
        <translation>&amp;Contest:</translation>
    </message>
    <message>
        <source>%1 dấu, điểm thấp nhất trước. Ngưỡng: dưới %2 là giữ tên, từ %3 là gạch tên, ở giữa là chưa rõ (Ban kiểm phiếu xem).</source>
        <translation>%1 marks, lowest score first. Thresholds: below %2 the name is kept, from %3 it is struck, in between unclear (the committee looks).</translation>
    </message>
    <message>
        <source>%1 dấu, điểm thấp nhất trước. Ngưỡng mỗi ô: dưới %2 là ô trống, từ %3 là ô có đánh dấu, ở giữa là chưa rõ (Ban kiểm phiếu xem).</source>
        <translation>%1 marks, lowest score first. Thresholds per box: below %2 the box is empty, from %3 it is marked, in between unclear (the committee looks).</translation>
    </message>
    <message>
        <source>Kiểm &amp;tra nhật ký</source>
        <translation>&amp;Verify the log</translation>
    </message>
    <message>
        <source>Đọc &amp;lại mọi ảnh đã quét</source>
        <translation>&amp;Replay every stored scan</translation>
    </message>
    <message>
        <source>Kiểm tra nhật ký: chuỗi băm, chữ ký của trạm, mọi ảnh và trạng thái mọi tờ phiếu. Đọc lại: chạy lại nhận dạng trên mọi ảnh đã lưu và so với kết quả đã ghi.</source>
        <translation>Verify: the hash chain, the station&apos;s signatures, every image and every sheet&apos;s state. Replay: run recognition again on every stored image and compare with what was recorded.</translation>
    </message>
    <message>
        <source>Vị trí / tờ</source>
        <translation>Entry / sheet</translation>
    </message>
    <message>
        <source>Sai lệch</source>
        <translation>Difference</translation>
    </message>
    <message>
        <source>Ảnh</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Đang đọc lại mọi ảnh…</source>
        <translation>Replaying every image…</translation>
    </message>
    <message>
        <source>Đang kiểm tra nhật ký…</source>
        <translation>Verifying the log…</translation>
    </message>
    <message>
        <source>tờ %1</source>
        <translation>sheet %1</translation>
    </message>
    <message>
        <source>đọc lại khác với kết quả đã ghi</source>
        <translation>replay differs from the record</translation>
    </message>
    <message>
        <source>Đọc lại xong: mọi tờ khớp đúng như đã ghi.</source>
        <translation>Replay done: every sheet reads exactly as recorded.</translation>
    </message>
    <message>
        <source>Kiểm tra xong: mọi thứ khớp.</source>
        <translation>Verification done: everything holds.</translation>
    </message>
    <message>
        <source>Đọc lại xong: %1 tờ khác với kết quả đã ghi.</source>
        <translation>Replay done: %1 sheets differ from the record.</translation>
    </message>
    <message>
        <source>Kiểm tra xong: có %1 sai lệch. %2</source>
        <translation>Verification done: %1 problems. %2</translation>
    </message>
    <message>
        <source>&amp;Lập biên bản từ số liệu hiện tại</source>
        <translation>&amp;Write the record from the current count</translation>
    </message>
    <message>
        <source>&amp;In…</source>
        <translation>P&amp;rint…</translation>
    </message>
    <message>
        <source>Lưu &amp;PDF…</source>
        <translation>&amp;Save PDF…</translation>
    </message>
    <message>
        <source>Biên bản kiểm phiếu của mỗi cuộc bầu và mỗi lần bầu, lập từ cơ sở dữ liệu đại hội.</source>
        <translation>The counting record of each contest and round, written from the congress database.</translation>
    </message>
    <message>
        <source>Đang lập biên bản…</source>
        <translation>Writing the record…</translation>
    </message>
    <message>
        <source>Lưu biên bản</source>
        <translation>Save the record</translation>
    </message>
    <message>
        <source>Đã lưu %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>Không lưu được %1</source>
        <translation>Cannot save %1</translation>
    </message>
    <message>
        <source>kiemphieu — trạm kiểm phiếu</source>
        <translation>kiemphieu — counting station</translation>
    </message>
    <message>
        <source>Màn hình má&amp;y chiếu</source>
        <translation>&amp;Projector screen</translation>
    </message>
    <message>
        <source>&amp;1 Kết quả</source>
        <translation>&amp;1 Results</translation>
    </message>
    <message>
        <source>&amp;2 Thiết lập</source>
        <translation>&amp;2 Set-up</translation>
    </message>
    <message>
        <source>&amp;3 Quét phiếu</source>
        <translation>&amp;3 Scanning</translation>
    </message>
    <message>
        <source>&amp;4 Phiếu chờ xét</source>
        <translation>&amp;4 Waiting ballots</translation>
    </message>
    <message>
        <source>&amp;5 Các dấu theo điểm</source>
        <translation>&amp;5 Marks by score</translation>
    </message>
    <message>
        <source>&amp;6 Kiểm tra</source>
        <translation>&amp;6 Audit</translation>
    </message>
    <message>
        <source>&amp;7 Biên bản</source>
        <translation>&amp;7 Record</translation>
    </message>
    <message>
        <source>Đăng nhập để thao tác; mọi thao tác được ghi vào nhật ký với tên người làm.</source>
        <translation>Sign in to act; every action is recorded in the log with who did it.</translation>
    </message>
    <message>
        <source>Chưa mở đại hội nào</source>
        <translation>No congress is open</translation>
    </message>
    <message>
        <source>Đang làm việc: %1 (%2)</source>
        <translation>Signed in: %1 (%2)</translation>
    </message>
    <message>
        <source>Ban kiểm phiếu</source>
        <translation>counting committee</translation>
    </message>
    <message>
        <source>người quét</source>
        <translation>operator</translation>
    </message>
    <message>
        <source>Đăng &amp;xuất (F2)</source>
        <translation>Sign &amp;out (F2)</translation>
    </message>
    <message>
        <source>Mở &amp;khóa trạm…</source>
        <translation>&amp;Unlock the station…</translation>
    </message>
    <message>
        <source>Mở khóa trạm</source>
        <translation>Unlock the station</translation>
    </message>
    <message>
        <source>Mật khẩu khóa trạm (Ban kiểm phiếu giữ). Khóa được mở cho phiên làm việc này, %1 giờ.</source>
        <translation>The station key&apos;s passphrase (held by the committee). The key is unlocked for this session, %1 hours.</translation>
    </message>
    <message>
        <source>Cập nhật lúc %1</source>
        <translation>Updated at %1</translation>
    </message>
    <message>
        <source>Cuộc bầu %1/%2 · tự chuyển sau %3 giây (PageDown, PageUp)</source>
        <translation>Contest %1/%2 · turns after %3 seconds (PageDown, PageUp)</translation>
    </message>
    <message>
        <source>Sửa số phiếu phát ra: %1 → %2</source>
        <translation>Change ballots issued: %1 → %2</translation>
    </message>
    <message>
        <source>Chưa đăng nhập: chỉ xem</source>
        <translation>Not signed in: view only</translation>
    </message>
    <message>
        <source>Đăng &amp;nhập (F2)</source>
        <translation>Sign &amp;in (F2)</translation>
    </message>
    <message>
        <source>sau</source>
        <translation>back</translation>
    </message>
    <message>
        <source>trước</source>
        <translation>front</translation>
    </message>
    <message>
        <source>Tờ</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>Cuộc bầu</source>
        <translation>Contest</translation>
    </message>
    <message>
        <source>Lần</source>
        <translation>Round</translation>
    </message>
    <message>
        <source>Mặt</source>
        <translation>Side</translation>
    </message>
    <message>
        <source>Số phiếu</source>
        <translation>Serial</translation>
    </message>
    <message>
        <source>Vì sao chờ</source>
        <translation>Why it waits</translation>
    </message>
    <message>
        <source>%1 — tờ %2</source>
        <translation>%1 — sheet %2</translation>
    </message>
    <message>
        <source>Máy quét</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <source>Máy quét mô phỏng (ảnh trong một thư mục)</source>
        <translation>Simulated scanner (images in a folder)</translation>
    </message>
    <message>
        <source>Nhận ảnh từ một thư mục (máy quét ghi vào đó)</source>
        <translation>Import from a folder (a scanner writes into it)</translation>
    </message>
    <message>
        <source>Thư mục ảnh</source>
        <translation>Image folder</translation>
    </message>
    <message>
        <source>&amp;Chọn thư mục…</source>
        <translation>&amp;Choose folder…</translation>
    </message>
    <message>
        <source>&amp;Tìm máy quét</source>
        <translation>&amp;Find scanners</translation>
    </message>
    <message>
        <source>&amp;Bắt đầu quét</source>
        <translation>&amp;Start scanning</translation>
    </message>
    <message>
        <source>&amp;Dừng</source>
        <translation>S&amp;top</translation>
    </message>
    <message>
        <source>Chưa mở đại hội nào.</source>
        <translation>No congress is open.</translation>
    </message>
    <message>
        <source>Sẵn sàng. Người quét: %1</source>
        <translation>Ready. Operator: %1</translation>
    </message>
    <message>
        <source>Cần đăng nhập để quét (người quét hoặc thành viên Ban kiểm phiếu).</source>
        <translation>Sign in to scan (an operator or a committee member).</translation>
    </message>
    <message>
        <source>Đang tìm máy quét…</source>
        <translation>Looking for scanners…</translation>
    </message>
    <message>
        <source>Không thấy máy quét nào.</source>
        <translation>No scanner found.</translation>
    </message>
    <message>
        <source>Tìm thấy %1 máy quét.</source>
        <translation>%1 scanners found.</translation>
    </message>
    <message>
        <source>chương trình quét dừng bất thường</source>
        <translation>the scanning program stopped abnormally</translation>
    </message>
    <message>
        <source>Đợt quét kết thúc (%1). Mọi tờ đã lưu vẫn còn nguyên.</source>
        <translation>The batch ended (%1). Every stored sheet is intact.</translation>
    </message>
    <message>
        <source>Đang quét từ %1 — người quét: %2</source>
        <translation>Scanning from %1 — operator: %2</translation>
    </message>
    <message>
        <source>Đại hội</source>
        <translation>Congress</translation>
    </message>
    <message>
        <source>Tệp định nghĩa cuộc bầu (.toml)</source>
        <translation>Election definition file (.toml)</translation>
    </message>
    <message>
        <source>&amp;Chọn tệp…</source>
        <translation>C&amp;hoose file…</translation>
    </message>
    <message>
        <source>Kiểm t&amp;ra</source>
        <translation>Chec&amp;k</translation>
    </message>
    <message>
        <source>&amp;Tạo đại hội…</source>
        <translation>&amp;Create congress…</translation>
    </message>
    <message>
        <source>&amp;Mở đại hội…</source>
        <translation>Open con&amp;gress…</translation>
    </message>
    <message>
        <source>Tệp định nghĩa cuộc bầu</source>
        <translation>Election definition file</translation>
    </message>
    <message>
        <source>Thành viên Ban kiểm phiếu và người quét</source>
        <translation>Committee members and operators</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Người thêm</source>
        <translation>Registered by</translation>
    </message>
    <message>
        <source>Thêm thành &amp;viên…</source>
        <translation>&amp;Add member…</translation>
    </message>
    <message>
        <source>Cuộc bầu và các lần bầu</source>
        <translation>Contests and rounds</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Số cần bầu</source>
        <translation>Seats</translation>
    </message>
    <message>
        <source>Phiếu phát ra</source>
        <translation>Ballots issued</translation>
    </message>
    <message>
        <source>Mã mẫu phiếu</source>
        <translation>Ballot layout code</translation>
    </message>
    <message>
        <source>&amp;Ghi số phiếu phát ra</source>
        <translation>&amp;Enter ballots issued</translation>
    </message>
    <message>
        <source>&amp;In phiếu lần bầu này…</source>
        <translation>P&amp;rint this round&apos;s ballots…</translation>
    </message>
    <message>
        <source>Kết thúc &amp;lần bầu…</source>
        <translation>C&amp;lose the round…</translation>
    </message>
    <message>
        <source>Mở lần bầ&amp;u mới…</source>
        <translation>Open a &amp;new round…</translation>
    </message>
    <message>
        <source>&amp;Phiếu phát ra:</source>
        <translation>&amp;Ballots issued:</translation>
    </message>
    <message>
        <source>Tệp hợp lệ: %1 — %2 cuộc bầu.</source>
        <translation>Valid definition: %1 — %2 contests.</translation>
    </message>
    <message>
        <source>Cơ sở dữ liệu đại hội mới</source>
        <translation>New congress database</translation>
    </message>
    <message>
        <source>Đã tạo đại hội. Ghi dấu vân tay khóa của trạm vào biên bản: %1</source>
        <translation>Congress created. Write the station key&apos;s fingerprint in the minutes: %1</translation>
    </message>
    <message>
        <source>Mở đại hội</source>
        <translation>Open a congress</translation>
    </message>
    <message>
        <source>Cần một thành viên Ban kiểm phiếu đăng nhập</source>
        <translation>A committee member must be signed in</translation>
    </message>
    <message>
        <source>Chưa mở đại hội nào. Chọn tệp định nghĩa để tạo, hoặc mở một đại hội đã có.</source>
        <translation>No congress is open. Choose a definition file to create one, or open an existing congress.</translation>
    </message>
    <message>
        <source>%1 — %2
Cơ sở dữ liệu: %3
Dấu vân tay khóa của trạm: %4</source>
        <translation>%1 — %2
Database: %3
Station key fingerprint: %4</translation>
    </message>
    <message>
        <source>Người quét</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>(người đầu tiên)</source>
        <translation>(the first member)</translation>
    </message>
    <message>
        <source>đang mở</source>
        <translation>open</translation>
    </message>
    <message>
        <source>đã kết thúc %1</source>
        <translation>closed %1</translation>
    </message>
    <message>
        <source>chưa nhập</source>
        <translation>not entered</translation>
    </message>
    <message>
        <source>Chỉ thành viên Ban kiểm phiếu đã đăng nhập mới thêm được người.</source>
        <translation>Only a signed-in committee member can register someone.</translation>
    </message>
    <message>
        <source>Thêm thành viên</source>
        <translation>Add a member</translation>
    </message>
    <message>
        <source>Thành viên Ban kiểm phiếu (bỏ chọn: chỉ quét phiếu)</source>
        <translation>Committee member (unticked: scans only)</translation>
    </message>
    <message>
        <source>&amp;Họ và tên</source>
        <translation>&amp;Full name</translation>
    </message>
    <message>
        <source>&amp;Mã PIN (4–12 chữ số)</source>
        <translation>&amp;PIN (4–12 digits)</translation>
    </message>
    <message>
        <source>&amp;Nhập lại mã PIN</source>
        <translation>PIN &amp;again</translation>
    </message>
    <message>
        <source>Hai lần nhập mã PIN không giống nhau.</source>
        <translation>The two PINs differ.</translation>
    </message>
    <message>
        <source>Đã thêm %1.</source>
        <translation>%1 registered.</translation>
    </message>
    <message>
        <source>Đã ghi %1 phiếu phát ra.</source>
        <translation>%1 ballots issued entered.</translation>
    </message>
    <message>
        <source>Thư mục để ghi phiếu in</source>
        <translation>Folder for the printable ballots</translation>
    </message>
    <message>
        <source>Đã ghi phiếu in (PDF) vào %1</source>
        <translation>Printable ballots (PDF) written to %1</translation>
    </message>
    <message>
        <source>Đang in phiếu…</source>
        <translation>Writing the ballots…</translation>
    </message>
    <message>
        <source>Kết thúc lần bầu đang mở của cuộc bầu “%1” và ghi kết quả.</source>
        <translation>Close the open round of the contest “%1” and record its result.</translation>
    </message>
    <message>
        <source>Đã kết thúc lần bầu %1.</source>
        <translation>Round %1 closed.</translation>
    </message>
    <message>
        <source>Mở lần bầu mới</source>
        <translation>Open a new round</translation>
    </message>
    <message>
        <source>Nghị quyết của đại hội về lần bầu này</source>
        <translation>The congress&apos;s resolution on this round</translation>
    </message>
    <message>
        <source>Người được đưa vào lần bầu</source>
        <translation>Candidates put to the round</translation>
    </message>
    <message>
        <source>Quyết định</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Mở lần bầu mới theo quyết định của đại hội.</source>
        <translation>Open a new round as the congress decided.</translation>
    </message>
    <message>
        <source>Đã mở lần bầu %1. In phiếu của lần bầu này trước khi phát.</source>
        <translation>Round %1 opened. Print this round&apos;s ballots before handing them out.</translation>
    </message>
    <message>
        <source>Đăng nhập</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Thành viên thứ hai đồng ý</source>
        <translation>A second member agrees</translation>
    </message>
    <message>
        <source>&amp;Mã PIN</source>
        <translation>&amp;PIN</translation>
    </message>
    <message>
        <source>Đồng ý</source>
        <translation>Agree</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Chưa có thành viên nào: thêm ở màn hình Thiết lập.</source>
        <translation>No members yet: add them on the set-up screen.</translation>
    </message>
    <message>
        <source>Không có thành viên Ban kiểm phiếu thứ hai.</source>
        <translation>There is no second committee member.</translation>
    </message>
    <message>
        <source>Sai mã PIN quá nhiều lần: chờ 30 giây.</source>
        <translation>Too many wrong PINs: wait 30 seconds.</translation>
    </message>
    <message>
        <source>Không mở được ảnh %1</source>
        <translation>Cannot open the image %1</translation>
    </message>
    <message>
        <source>Không đọc được: %1</source>
        <translation>Not read: %1</translation>
    </message>
    <message>
        <source>Chưa có ảnh</source>
        <translation>No image yet</translation>
    </message>
    <message>
        <source>Không quét được: %1</source>
        <translation>Could not scan: %1</translation>
    </message>
    <message>
        <source>kiemphieu — kết quả kiểm phiếu</source>
        <translation>kiemphieu — live results</translation>
    </message>
    <message>
        <source> — đã kết thúc</source>
        <translation> — round closed</translation>
    </message>
    <message>
        <source>Vạch đứt: %1</source>
        <translation>Dashed line: %1</translation>
    </message>
    <message>
        <source>Chưa mở đại hội nào: mở hoặc tạo ở màn hình Thiết lập</source>
        <translation>No congress is open: open or create one on the set-up screen</translation>
    </message>
    <message>
        <source>Không đọc được cơ sở dữ liệu đại hội</source>
        <translation>The congress database cannot be read</translation>
    </message>
    <message>
        <source>TIN BỊ TỪ CHỐI từ %1: %2</source>
        <translation>MESSAGE REFUSED from %1: %2</translation>
    </message>
    <message>
        <source>MẤT KẾT NỐI với trạm kiểm phiếu (%1): số liệu dưới đây có thể đã cũ. Đang kết nối lại…</source>
        <translation>NO LINK to the counting station (%1): the figures below may be out of date. Reconnecting…</translation>
    </message>
    <message>
        <source>DỮ LIỆU CŨ: trạm kiểm phiếu không gửi tin quá 6 giây</source>
        <translation>STALE: no word from the counting station for more than 6 seconds</translation>
    </message>
    <message>
        <source>Quan sát viên: chỉ xem kết quả của trạm kiểm phiếu</source>
        <translation>Observer: read-only view of the counting station&apos;s results</translation>
    </message>
    <message>
        <source>KẾT QUẢ CHÍNH THỨC</source>
        <translation>FINAL RESULT</translation>
    </message>
    <message>
        <source>TẠM THỜI — chưa kiểm phiếu xong</source>
        <translation>PROVISIONAL — counting is not finished</translation>
    </message>
    <message>
        <source> · số sê-ri trùng %1</source>
        <translation> · serials counted twice %1</translation>
    </message>
    <message>
        <source> (bầu lần %1)</source>
        <translation> (round %1)</translation>
    </message>
    <message>
        <source>(chưa nhập)</source>
        <translation>(not entered)</translation>
    </message>
    <message>
        <source>D = %1 · trúng cử cần ít nhất %2 · phát ra %3 · thu vào %4 · hợp lệ %5 · không hợp lệ %6</source>
        <translation>D = %1 · elected with at least %2 · issued %3 · collected %4 · valid %5 · invalid %6</translation>
    </message>
    <message>
        <source>%1 phiếu (quá một nửa D)</source>
        <translation>%1 votes (more than half of D)</translation>
    </message>
    <message>
        <source>Trúng cử: %1</source>
        <translation>Elected: %1</translation>
    </message>
    <message>
        <source>không có ai</source>
        <translation>nobody</translation>
    </message>
    <message>
        <source>. ĐỐI CHIẾU KHÔNG KHỚP</source>
        <translation>. RECONCILIATION FAILS</translation>
    </message>
    <message>
        <source>Đã gửi %1 trang đi in.</source>
        <translation>%1 pages sent to the printer.</translation>
    </message>
    <message>
        <source>Tờ phiếu đã đếm %1 · chờ Ban kiểm phiếu %2 · mặt giấy bị từ chối %3</source>
        <translation>Ballots counted %1 · waiting for the committee %2 · sides refused %3</translation>
    </message>
    <message>
        <source>vi</source>
        <comment>the language code of this translation</comment>
        <translation>en</translation>
    </message>
    <message>
        <source>Đang kiểm, chưa công bố ai trúng cử: %1</source>
        <translation>Counting, nobody is declared elected yet: %1</translation>
    </message>
    <message>
        <source>Đã lập %1 biên bản (kèm JSON và CSV) trong %2</source>
        <translation>%1 counting records written (with JSON and CSV) in %2</translation>
    </message>
    <message>
        <source>Lý &amp;do (ghi vào biên bản):</source>
        <translation>Rea&amp;son (written into the record):</translation>
    </message>
    <message>
        <source>%1 — máy đọc: %2 (điểm %3)</source>
        <translation>%1 — the reader: %2 (score %3)</translation>
    </message>
    <message>
        <source>Đã để riêng tờ %1, không đếm (%2 và %3).</source>
        <translation>Sheet %1 set aside, not counted (%2 and %3).</translation>
    </message>
    <message>
        <source>Cỡ ản&amp;h:</source>
        <translation>Picture si&amp;ze:</translation>
    </message>
    <message>
        <source>nhỏ</source>
        <translation>small</translation>
    </message>
    <message>
        <source>vừa</source>
        <translation>medium</translation>
    </message>
    <message>
        <source>lớn</source>
        <translation>large</translation>
    </message>
    <message>
        <source>Tờ %1 — số phiếu %2</source>
        <translation>Sheet %1 — ballot %2</translation>
    </message>
    <message>
        <source>%1: %2 (điểm %3)</source>
        <translation>%1: %2 (score %3)</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>&amp;Phóng to:</source>
        <translation>&amp;Zoom:</translation>
    </message>
    <message>
        <source>Chọn một người ứng cử trong bảng để xem phóng to.</source>
        <translation>Choose a candidate in the table to see the mark enlarged.</translation>
    </message>
    <message>
        <source>Xác nhận dấu đỏ các tờ &amp;quét xám (%1)…</source>
        <translation>&amp;Confirm the stamps of gray scans (%1)…</translation>
    </message>
    <message>
        <source>Ban kiểm phiếu đã xem dấu đỏ trên giấy của %1 tờ quét xám, đếm như máy đã đọc: tờ %2</source>
        <translation>The committee has seen the red stamp on the paper of %1 gray-scanned sheets; they are counted as read: sheets %2</translation>
    </message>
    <message>
        <source>Đã xem dấu đỏ trên tờ giấy (ảnh quét xám)</source>
        <translation>Red stamp seen on the paper (gray scan)</translation>
    </message>
    <message>
        <source>Đã xác nhận dấu đỏ của %1 tờ quét xám (%2 và %3).</source>
        <translation>Stamps of %1 gray-scanned sheets confirmed (%2 and %3).</translation>
    </message>
    <message>
        <source>Tờ nào không có dấu đỏ: hủy, rồi quyết định riêng tờ đó với “không có dấu đỏ”.</source>
        <translation>A sheet without its red stamp: cancel, then rule on that sheet by itself with “no red stamp”.</translation>
    </message>
    <message>
        <source>Ảnh quét xám: Ban kiểm phiếu đã xem dấu đỏ trên tờ giấy.</source>
        <translation>Gray scan: the committee has seen the red stamp on the paper.</translation>
    </message>
    <message>
        <source>Quan sát viên: chỉ xem kết quả của trạm kiểm phiếu · đầu nhật ký của trạm: mục %1 (%2…), đã giữ trong %3</source>
        <translation>Observer: the counting station&apos;s results, read only · the station&apos;s log head: entry %1 (%2…), kept in %3</translation>
    </message>
    <message>
        <source>KHÔNG GIỮ ĐƯỢC đầu nhật ký của trạm trong %1: hãy ghi tay mục %2 (%3)</source>
        <translation>CANNOT KEEP the station&apos;s log head in %1: write down entry %2 (%3) by hand</translation>
    </message>
    <message>
        <source>Ảnh phiếu chỉ hiện khi một thành viên Ban kiểm phiếu đăng nhập (giữ bí mật phiếu bầu)</source>
        <translation>Ballot images are shown only while a committee member is signed in (the secrecy of the vote)</translation>
    </message>
    <message>
        <source>Nhập tay: lá phiếu không quét được, hai thành viên Ban kiểm phiếu nhập độc lập và khớp nhau (không có ảnh quét)</source>
        <translation>Entered by hand: a ballot that could not be scanned, entered independently by two committee members who agreed (no scan)</translation>
    </message>
    <message>
        <source>Nhập tay một lá phiếu</source>
        <translation>Enter a ballot by hand</translation>
    </message>
    <message>
        <source>&amp;Số phiếu (trên tờ phiếu):</source>
        <translation>&amp;Serial (on the ballot):</translation>
    </message>
    <message>
        <source>phiếu rách, ướt, máy quét hỏng…</source>
        <translation>torn, wet, scanner broken…</translation>
    </message>
    <message>
        <source>&amp;Lý do nhập tay:</source>
        <translation>&amp;Why by hand:</translation>
    </message>
    <message>
        <source>STT</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Trên tờ phiếu</source>
        <translation>On the ballot</translation>
    </message>
    <message>
        <source>&amp;Xong lần nhập</source>
        <translation>&amp;Done with this entry</translation>
    </message>
    <message>
        <source>số phiếu</source>
        <translation>the serial</translation>
    </message>
    <message>
        <source>lý do nhập tay</source>
        <translation>why it is entered by hand</translation>
    </message>
    <message>
        <source>Còn thiếu: %1</source>
        <translation>Missing: %1</translation>
    </message>
    <message>
        <source>Nhập t&amp;ay một lá phiếu…</source>
        <translation>Enter a ballot by h&amp;and…</translation>
    </message>
    <message>
        <source>Lần nhập thứ nhất — %1. Nhập đúng như trên tờ phiếu.</source>
        <translation>First entry — %1. Enter it exactly as the ballot reads.</translation>
    </message>
    <message>
        <source>Lần nhập thứ hai — thành viên thứ hai, tự đọc tờ phiếu và nhập, không xem lần nhập thứ nhất.</source>
        <translation>Second entry — the second member reads the ballot and enters it, without seeing the first entry.</translation>
    </message>
    <message>
        <source>Hai lần nhập không khớp (lần thứ nhất / lần thứ hai):</source>
        <translation>The two entries differ (first / second):</translation>
    </message>
    <message>
        <source>Không lưu gì. Hai thành viên nhập lại lá phiếu.</source>
        <translation>Nothing was stored. Both members enter the ballot again.</translation>
    </message>
    <message>
        <source>Thành viên thứ hai: hai lần nhập tay phiếu số %1 khớp nhau. Lý do: %2</source>
        <translation>Second member: the two entries of ballot %1 agree. Reason: %2</translation>
    </message>
    <message>
        <source>Đã nhập tay phiếu số %1 (%2 và %3).</source>
        <translation>Ballot %1 entered by hand (%2 and %3).</translation>
    </message>
</context>
</TS>
