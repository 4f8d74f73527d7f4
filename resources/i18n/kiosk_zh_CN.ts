<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="147" />
        <source>First and last name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="149" />
        <source>Employee number (optional)</source>
        <translation>工号（可选）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="153" />
        <source>The person agreed to be enrolled</source>
        <translation>本人已同意登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="157" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="158" />
        <source>Employee no.</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="159" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="160" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="162" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>AddPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="69" />
        <source>Enroll with the camera</source>
        <translation>用摄像头登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="71" />
        <source>Enroll one person from photos…</source>
        <translation>从照片登记一人…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="72" />
        <source>Import a folder of people…</source>
        <translation>从文件夹批量导入…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="76" />
        <source>Add people</source>
        <translation>添加人员</translation>
    </message>
</context>
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="110" />
        <location filename="../../kiosk/ui/admin/panel.py" line="126" />
        <source>Admin</source>
        <translation>管理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="118" />
        <source>No camera is connected to this screen.</source>
        <translation>此屏幕未连接摄像头。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="131" />
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="133" />
        <source>Add people</source>
        <translation>添加人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="134" />
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="135" />
        <source>Attendance</source>
        <translation>考勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="136" />
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="137" />
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="147" />
        <source>Change my PIN…</source>
        <translation>更改我的 PIN…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="150" />
        <source>Back to the kiosk</source>
        <translation>返回签到屏幕</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="152" />
        <source>Close kiosk</source>
        <translation>关闭签到机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="219" />
        <source>Photos of one person</source>
        <translation>同一人的照片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="220" />
        <source>Images ({patterns})</source>
        <translation>图片 ({patterns})</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="231" />
        <source>Folder with one sub-folder per person</source>
        <translation>每人一个子文件夹的文件夹</translation>
    </message>
</context>
<context>
    <name>Attendance</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="172" />
        <source>check-in</source>
        <translation>签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="173" />
        <source>in</source>
        <translation>上班</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="174" />
        <source>out</source>
        <translation>下班</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="88" />
        <source>Please look at the camera to check in</source>
        <translation>请看向摄像头签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="103" />
        <source>Nobody is enrolled yet</source>
        <translation>尚未登记任何人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="104" />
        <source>Administrator: to add people, press and hold the picture for {seconds} seconds or tap the top-left corner {taps} times</source>
        <translation>管理员：如需添加人员，请长按画面{seconds}秒，或连续点击左上角{taps}次</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="114" />
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>欢迎，{name} — 考勤未能保存，请告知前台</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="118" />
        <source>Welcome, {name} — checked in {time}</source>
        <translation>欢迎，{name} — {time} 已签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="120" />
        <source>Welcome, {name} — IN at {time}</source>
        <translation>欢迎，{name} — {time} 进入</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="122" />
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>再见，{name} — {time} 离开</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="124" />
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>欢迎回来，{name} — 已于 {time} 签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="132" />
        <source>Please look at the camera yourself</source>
        <translation>请本人看向摄像头</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="140" />
        <source>Not recognised — please see the front desk</source>
        <translation>未能识别 — 请到前台登记</translation>
    </message>
</context>
<context>
    <name>EditPersonDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="103" />
        <source>Edit person</source>
        <translation>编辑人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="112" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="113" />
        <source>Employee no.</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="114" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="115" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="117" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="130" />
        <source>A person needs a name.</source>
        <translation>请填写姓名。</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="157" />
        <source>Enroll a new person</source>
        <translation>登记新人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="171" />
        <source>Tap to remove this shot</source>
        <translation>点按可删除此照片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="175" />
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="191" />
        <source>New person</source>
        <translation>新人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="233" />
        <source>The face check failed: {error}</source>
        <translation>人脸检查失败：{error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="238" />
        <source>Look at the camera</source>
        <translation>请看摄像头</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="239" />
        <source>Only one person, please</source>
        <translation>请一次一人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="240" />
        <source>Move closer</source>
        <translation>请再靠近一些</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="241" />
        <source>Face the camera</source>
        <translation>请正对摄像头</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="242" />
        <source>Too dark</source>
        <translation>太暗了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="243" />
        <source>Too bright</source>
        <translation>太亮了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="244" />
        <source>Hold still</source>
        <translation>请保持不动</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="245" />
        <source>That looks like someone else. Tap Start over to enroll another person</source>
        <translation>看起来是另一个人。要登记其他人，请点按“重新开始”</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="246" />
        <source>Good. Now turn your head slightly</source>
        <translation>很好。请稍微转一下头</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="247" />
        <source>Got it!</source>
        <translation>拍好了！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="248" />
        <source>All shots taken</source>
        <translation>照片已拍完</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="269" />
        <source>Shots: {n} of {max} (at least {min} needed)</source>
        <translation>已拍：{n} / {max}（至少需要 {min} 张）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="271" />
        <source>Shots: {n} of {max}. Type the name, then Save</source>
        <translation>已拍：{n} / {max}。请输入姓名，然后点“保存”</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="273" />
        <source>Shots: {n} of {max}. Tick the consent box, then Save</source>
        <translation>已拍：{n} / {max}。请勾选同意框，然后点“保存”</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="275" />
        <source>Shots: {n} of {max}. You can save now</source>
        <translation>已拍：{n} / {max}。现在可以保存</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="219" />
        <source>Export attendance</source>
        <translation>导出考勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="226" />
        <source>Every event</source>
        <translation>所有记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="227" />
        <source>One line per person per day</source>
        <translation>每人每天一行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="233" />
        <source>All groups</source>
        <translation>所有组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="239" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="245" />
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="246" />
        <source>To</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="247" />
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="248" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="249" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="252" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="254" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="261" />
        <source>Export attendance as CSV (opens in Excel)</source>
        <translation>将考勤导出为 CSV（可用 Excel 打开）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="268" />
        <source>Save attendance as</source>
        <translation>考勤保存为</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="269" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="279" />
        <source>Choose a file to write.</source>
        <translation>请选择要写入的文件。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="288" />
        <source>Wrote {n} row(s) to {path}</source>
        <translation>已将 {n} 行写入 {path}</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="148" />
        <source>Attendance of {name}</source>
        <translation>{name} 的考勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Event</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Kiosk</source>
        <translation>签到机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="159" />
        <source>{name}: {n} event(s) in the last {days} days</source>
        <translation>{name}：最近 {days} 天共 {n} 条记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="161" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ImportFolderDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="155" />
        <location filename="../../kiosk/ui/admin/photos.py" line="179" />
        <source>Import a folder of people</source>
        <translation>从文件夹批量导入</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="156" />
        <source>Each sub-folder of {folder} is one person, named after the sub-folder.</source>
        <translation>{folder} 中的每个子文件夹代表一人，以子文件夹名作为姓名。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="162" />
        <source>Also enroll faces that match someone already enrolled</source>
        <translation>与已登记人员匹配的人脸也登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="163" />
        <source>Everyone in these photos agreed to be enrolled</source>
        <translation>照片中的所有人均已同意登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="165" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="170" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="172" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="211" />
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="218" />
        <source>{done} of {total}: {name}</source>
        <translation>{done} / {total}：{name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="222" />
        <source>Imported {people} people with {templates} face shot(s); {skipped} photo(s) skipped.</source>
        <translation>已导入 {people} 人（人脸照片 {templates} 张）；跳过 {skipped} 张照片。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="225" />
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="229" />
        <location filename="../../kiosk/ui/admin/photos.py" line="233" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="232" />
        <source>The import failed: {error}</source>
        <translation>导入失败：{error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="244" />
        <source>Stopping after this person…</source>
        <translation>处理完此人后停止…</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="55" />
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="63" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="44" />
        <location filename="../../kiosk/ui/window.py" line="66" />
        <source>Face check-in</source>
        <translation>人脸签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="158" />
        <source>Camera unavailable — reconnecting…</source>
        <translation>摄像头不可用 — 正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="170" />
        <location filename="../../kiosk/ui/window.py" line="235" />
        <source>Recognition stopped — retrying</source>
        <translation>识别已停止 — 正在重试</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="209" />
        <source>passive</source>
        <translation>被动</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="209" />
        <source>strict</source>
        <translation>严格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="213" />
        <source>liveness check: {mode}, motion only ({files} missing)</source>
        <translation>活体检测：{mode}，仅动作检测（缺少 {files}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="216" />
        <source>liveness check: {mode}</source>
        <translation>活体检测：{mode}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="224" />
        <source>● Camera not responding</source>
        <translation>● 摄像头无响应</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="227" />
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● 摄像头不可用 — {s:.0f} 秒后重试</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="229" />
        <source>● Camera live</source>
        <translation>● 摄像头已连接</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="231" />
        <source>● Video ended</source>
        <translation>● 视频已结束</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="233" />
        <source>● Connecting to the camera…</source>
        <translation>● 正在连接摄像头…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="237" />
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="238" />
        <source>recognition {fps:.0f} fps</source>
        <translation>识别 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="240" />
        <source>people enrolled: {n}</source>
        <translation>已登记人数：{n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="244" />
        <source>⚠ output {name} failing: {detail}</source>
        <translation>⚠ 输出 {name} 出错：{detail}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="273" />
        <source>Camera not responding — waiting for a picture…</source>
        <translation>摄像头无响应 — 正在等待画面…</translation>
    </message>
</context>
<context>
    <name>OutputsPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Event</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="35" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="35" />
        <source>Last error</source>
        <translation>最近的错误</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="40" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="42" />
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="59" />
        <source>Outputs: {pending} pending, {delivered} delivered, {dead} not delivered</source>
        <translation>输出：待发送 {pending} 条，已送达 {delivered} 条，未送达 {dead} 条</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="61" />
        <source>Messages below ran out of retries. Fix the receiver, then send them again.</source>
        <translation>以下消息已用完重试次数。请修复接收端后重新发送。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="62" />
        <source>Every message was delivered or is on its way.</source>
        <translation>所有消息均已送达或正在发送。</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Employee no.</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="51" />
        <source>Face shots</source>
        <translation>人脸照片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="88" />
        <source>active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="88" />
        <source>inactive</source>
        <translation>停用</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="194" />
        <source>Search name, employee no. or group</source>
        <translation>按姓名、工号或组别搜索</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="209" />
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="211" />
        <location filename="../../kiosk/ui/admin/people.py" line="256" />
        <location filename="../../kiosk/ui/admin/people.py" line="288" />
        <location filename="../../kiosk/ui/admin/people.py" line="290" />
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="213" />
        <source>Attendance…</source>
        <translation>考勤…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="215" />
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="224" />
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="236" />
        <source>{n} person(s)</source>
        <translation>{n} 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="256" />
        <source>Activate</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="261" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="264" />
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="289" />
        <source>{name} will no longer be recognised. Their data is kept and you can activate them again later.</source>
        <translation>{name} 将不再被识别。数据会保留，之后可以重新启用。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="300" />
        <source>Delete person</source>
        <translation>删除人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="301" />
        <source>Delete {name}? Their {n} face shot(s) are erased for good. Attendance records keep the name for payroll.</source>
        <translation>删除 {name}？其 {n} 张人脸照片将被永久清除。考勤记录会保留姓名以便核算工资。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="303" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>PersonFormMixin</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="171" />
        <source>Enroll anyway</source>
        <translation>仍然登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="171" />
        <source>Go back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>PhotoEnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="59" />
        <source>Enroll from photos</source>
        <translation>从照片登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="74" />
        <source>New person from photos</source>
        <translation>从照片登记新人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="78" />
        <source>Skipped photos</source>
        <translation>已跳过的照片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="90" />
        <source>Looking for the face in {n} photo(s)…</source>
        <translation>正在 {n} 张照片中查找人脸…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="119" />
        <source>Usable photos: {n}. Skipped: {skipped}.</source>
        <translation>可用照片：{n} 张。跳过：{skipped} 张。</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="91" />
        <source>Admin</source>
        <translation>管理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="104" />
        <source>Account name</source>
        <translation>账户名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="105" />
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="117" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="229" />
        <source>Tap your account name first.</source>
        <translation>请先点按您的账户名。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="239" />
        <source>Please choose a new PIN of at least {min} digits.</source>
        <translation>请设置至少 {min} 位的新 PIN。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="246" />
        <source>Wrong PIN.</source>
        <translation>PIN 错误。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="256" />
        <source>Wrong or expired setup code. Run “kiosk admin setup” on this computer for a new one.</source>
        <translation>设置码错误或已过期。请在这台电脑上运行“kiosk admin setup”获取新的设置码。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="263" />
        <source>Letters, digits, spaces and . @ - _ only, please.</source>
        <translation>只能使用字母、数字、空格和 . @ - _。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="309" />
        <source>Tap your name, then enter your PIN</source>
        <translation>请点按您的名字，然后输入 PIN</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="312" />
        <source>First start: enter the setup code that “kiosk admin setup” shows on this computer</source>
        <translation>首次启动：请输入在这台电脑上运行“kiosk admin setup”显示的设置码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="315" />
        <source>Name of the first admin account</source>
        <translation>第一个管理员账户的名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="317" />
        <source>Choose a PIN for {name} ({min}–{max} digits)</source>
        <translation>为 {name} 设置 PIN（{min}–{max} 位）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="346" />
        <source>Too many wrong PINs. {name} is locked for {m}:{s:02d}.</source>
        <translation>PIN 错误次数过多。{name} 已锁定 {m}:{s:02d}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="273" />
        <source>The PIN must have {min} to {max} digits.</source>
        <translation>PIN 必须为 {min} 到 {max} 位数字。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="283" />
        <source>The two PINs differ. Please start again.</source>
        <translation>两次输入的 PIN 不一致。请重新开始。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="320" />
        <source>Enter the same PIN again</source>
        <translation>再次输入相同的 PIN</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="42" />
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="43" />
        <source>keep forever</source>
        <translation>永久保留</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="46" />
        <source>Save and apply</source>
        <translation>保存并应用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="51" />
        <source>Keep attendance for</source>
        <translation>考勤保留期限</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>as in the config file</source>
        <translation>按配置文件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="58" />
        <source>passive: anti-spoofing networks</source>
        <translation>被动：防伪神经网络</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="59" />
        <source>strict: networks and head motion</source>
        <translation>严格：神经网络和头部动作</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="62" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="67" />
        <source>Photo and screen check</source>
        <translation>照片和屏幕防伪检测</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="74" />
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="81" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="81" />
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="81" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="81" />
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="87" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="90" />
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="94" />
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="116" />
        <source>Admin accounts: {accounts}. Locked: {n}.</source>
        <translation>管理账户：{accounts}。已锁定：{n}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="142" />
        <source>Attendance older than {days} days is deleted every day. Deleted now: {n} event(s).</source>
        <translation>超过 {days} 天的考勤记录每天删除。本次删除：{n} 条。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="145" />
        <source>Attendance is kept forever.</source>
        <translation>考勤记录将永久保留。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="153" />
        <source>Saved: every kiosk on this database uses it within a few seconds.</source>
        <translation>已保存：使用此数据库的所有终端将在几秒内生效。</translation>
    </message>
</context>
<context>
    <name>ReembedScreen</name>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="48" />
        <source>Face check-in</source>
        <translation>人脸签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="65" />
        <source>This happens once after a model update; the kiosk opens by itself when it is done.</source>
        <translation>此过程仅在模型更新后进行一次；完成后签到机会自动打开。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="110" />
        <source>Updating face templates for the new recognition model: {done} / {total}</source>
        <translation>正在为新的识别模型更新人脸模板：{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="114" />
        <source>no stored face photo</source>
        <translation>没有保存的人脸照片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="115" />
        <source>the stored face photo is damaged</source>
        <translation>保存的人脸照片已损坏</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="116" />
        <source>no face found in the stored photo</source>
        <translation>保存的照片中未找到人脸</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="117" />
        <source>the stored photo gave no usable template</source>
        <translation>无法从保存的照片生成可用的模板</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="122" />
        <source>{name}: {reasons} — still recognised by their other photos</source>
        <translation>{name}：{reasons} — 仍可通过其他照片识别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="124" />
        <source>{name}: {reasons} — not recognised until re-enrolled</source>
        <translation>{name}：{reasons} — 重新登记前无法识别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="136" />
        <source>Face templates updated: {moved} moved. These people could not be moved:</source>
        <translation>人脸模板已更新：已迁移 {moved} 个。以下人员无法迁移：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="138" />
        <source>Their old templates are kept, but the new model cannot use them: re-enroll them in admin mode.</source>
        <translation>其旧模板仍会保留，但新模型无法使用：请在管理模式中重新登记。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="157" />
        <source>Continue ({seconds} s)</source>
        <translation>继续（{seconds} 秒）</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="50" />
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="51" />
        <source>enroller</source>
        <translation>登记员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="52" />
        <source>viewer</source>
        <translation>查看者</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Employee no.</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Group</source>
        <translation>组别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Event</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Kiosk</source>
        <translation>签到机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="58" />
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="67" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="69" />
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="72" />
        <source>Void…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="74" />
        <source>Reassign…</source>
        <translation>改为他人…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="101" />
        <source>Today, {day}: {n} event(s), {p} person(s)</source>
        <translation>今天 {day}：{n} 条记录，{p} 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="119" />
        <source>void: {reason} ({who})</source>
        <translation>已作废: {reason}（{who}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="121" />
        <source>was {name} ({who})</source>
        <translation>原为 {name}（{who}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="144" />
        <source>Event voided.</source>
        <translation>记录已作废。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="157" />
        <source>Event moved to {name}.</source>
        <translation>记录已改为 {name}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="165" />
        <location filename="../../kiosk/ui/admin/attendance.py" line="177" />
        <source>Tap an event that is not void first.</source>
        <translation>请先点按一条未作废的记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="167" />
        <source>Void event</source>
        <translation>作废记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="168" />
        <source>Why is the check-in of {name} at {time} wrong?</source>
        <translation>{time} {name} 的签到为什么有误？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="181" />
        <source>Nobody else is enrolled: there is no one to move this check-in to.</source>
        <translation>没有其他已登记的人：无法把这条签到转给别人。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="184" />
        <source>Reassign event</source>
        <translation>更改记录的人员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="185" />
        <source>Who really checked in at {time}?</source>
        <translation>{time} 实际签到的是谁？</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="153" />
        <source>Unknown</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="155" />
        <source>Not live</source>
        <translation>非真人</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="120" />
        <source>This face matches {name} ({similarity:.2f}). Enroll anyway?</source>
        <translation>此人脸与 {name}（{similarity:.2f}）匹配。仍要登记吗？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="122" />
        <source>Already enrolled?</source>
        <translation>是否已登记？</translation>
    </message>
</context>
</TS>