<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja">
<context>
    <name />
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="126" />
        <source>First and last name</source>
        <translation>姓と名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="128" />
        <source>Employee number (optional)</source>
        <translation>社員番号（任意）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="132" />
        <source>The person agreed to be enrolled</source>
        <translation>本人が登録に同意しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="136" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="137" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="138" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="139" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="141" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>AddPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="46" />
        <source>Enroll with the camera</source>
        <translation>カメラで登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="48" />
        <source>Enroll one person from photos…</source>
        <translation>写真から1人を登録…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="49" />
        <source>Import a folder of people…</source>
        <translation>フォルダーから一括登録…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="53" />
        <source>Add people</source>
        <translation>人を追加</translation>
    </message>
</context>
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="84" />
        <location filename="../../kiosk/ui/admin/panel.py" line="98" />
        <source>Admin</source>
        <translation>管理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="92" />
        <source>No camera is connected to this screen.</source>
        <translation>この画面にはカメラが接続されていません。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="101" />
        <source>Add people</source>
        <translation>人を追加</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="102" />
        <source>People</source>
        <translation>登録者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="103" />
        <source>Attendance</source>
        <translation>出退勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="104" />
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="113" />
        <source>Back to the kiosk</source>
        <translation>受付画面に戻る</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="115" />
        <source>Close kiosk</source>
        <translation>キオスクを終了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="168" />
        <source>Photos of one person</source>
        <translation>1人分の写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="169" />
        <source>Images ({patterns})</source>
        <translation>画像 ({patterns})</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="178" />
        <source>Folder with one sub-folder per person</source>
        <translation>1人1サブフォルダーのフォルダー</translation>
    </message>
</context>
<context>
    <name>Attendance</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="175" />
        <source>check-in</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="176" />
        <source>in</source>
        <translation>出勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="177" />
        <source>out</source>
        <translation>退勤</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="87" />
        <source>Please look at the camera to check in</source>
        <translation>カメラを見てチェックインしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="102" />
        <source>Nobody is enrolled yet</source>
        <translation>まだ誰も登録されていません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="103" />
        <source>Administrator: to add people, press and hold the picture for {seconds} seconds or tap the top-left corner {taps} times</source>
        <translation>管理者の方へ：人を登録するには、映像を{seconds}秒間長押しするか、左上の隅を{taps}回タップしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="113" />
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>ようこそ、{name} さん — 出席を記録できませんでした。受付にお知らせください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="117" />
        <source>Welcome, {name} — checked in {time}</source>
        <translation>ようこそ、{name} さん — {time} にチェックインしました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="119" />
        <source>Welcome, {name} — IN at {time}</source>
        <translation>ようこそ、{name} さん — {time} 入室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="121" />
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>お疲れさまでした、{name} さん — {time} 退室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="123" />
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>おかえりなさい、{name} さん — {time} にチェックイン済みです</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="132" />
        <source>Not recognised — please see the front desk</source>
        <translation>認識できませんでした — 受付にお越しください</translation>
    </message>
</context>
<context>
    <name>EditPersonDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="106" />
        <source>Edit person</source>
        <translation>登録者を編集</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="115" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="116" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="117" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="118" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="120" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="133" />
        <source>A person needs a name.</source>
        <translation>氏名を入力してください。</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="155" />
        <source>Enroll a new person</source>
        <translation>新しい人を登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="169" />
        <source>Tap to remove this shot</source>
        <translation>タップするとこの写真を削除します</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="173" />
        <source>Start over</source>
        <translation>やり直す</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="189" />
        <source>New person</source>
        <translation>新規登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="230" />
        <source>The face check failed: {error}</source>
        <translation>顔の確認に失敗しました: {error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="235" />
        <source>Look at the camera</source>
        <translation>カメラを見てください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="236" />
        <source>Only one person, please</source>
        <translation>1人ずつお願いします</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="237" />
        <source>Move closer</source>
        <translation>もう少し近づいてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="238" />
        <source>Face the camera</source>
        <translation>カメラの方を向いてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="239" />
        <source>Too dark</source>
        <translation>暗すぎます</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="240" />
        <source>Too bright</source>
        <translation>明るすぎます</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="241" />
        <source>Hold still</source>
        <translation>そのまま動かないでください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="242" />
        <source>That looks like someone else. Tap Start over to enroll another person</source>
        <translation>別の人のようです。別の人を登録するには「やり直す」をタップしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="243" />
        <source>Good. Now turn your head slightly</source>
        <translation>いいですね。少しだけ顔の向きを変えてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="244" />
        <source>Got it!</source>
        <translation>撮影しました！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="245" />
        <source>All shots taken</source>
        <translation>撮影が完了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="262" />
        <source>Shots: {n} of {max} (at least {min} needed)</source>
        <translation>撮影: {n} / {max}（{min} 枚以上必要）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="264" />
        <source>Shots: {n} of {max}. You can save now</source>
        <translation>撮影: {n} / {max}。保存できます</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="122" />
        <source>Export attendance</source>
        <translation>出退勤の書き出し</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="129" />
        <source>Every event</source>
        <translation>すべての記録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="130" />
        <source>One line per person per day</source>
        <translation>1人1日1行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="136" />
        <source>All groups</source>
        <translation>すべてのグループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="142" />
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="148" />
        <source>From</source>
        <translation>開始日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="149" />
        <source>To</source>
        <translation>終了日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="150" />
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="151" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="152" />
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="155" />
        <source>Export</source>
        <translation>書き出す</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="157" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="164" />
        <source>Export attendance as CSV (opens in Excel)</source>
        <translation>出退勤を CSV で書き出す（Excel で開けます）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="171" />
        <source>Save attendance as</source>
        <translation>出退勤の保存先</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="172" />
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="182" />
        <source>Choose a file to write.</source>
        <translation>書き出すファイルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="191" />
        <source>Wrote {n} row(s) to {path}</source>
        <translation>{path} に {n} 行を書き出しました</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="150" />
        <source>Attendance of {name}</source>
        <translation>{name} さんの出退勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="155" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="155" />
        <source>Event</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="155" />
        <source>Kiosk</source>
        <translation>端末</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="162" />
        <source>{name}: {n} event(s) in the last {days} days</source>
        <translation>{name}: 過去 {days} 日間で {n} 件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="164" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>ImportFolderDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="152" />
        <location filename="../../kiosk/ui/admin/photos.py" line="176" />
        <source>Import a folder of people</source>
        <translation>フォルダーから一括登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="153" />
        <source>Each sub-folder of {folder} is one person, named after the sub-folder.</source>
        <translation>{folder} の各サブフォルダーが1人分で、サブフォルダー名が氏名になります。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="159" />
        <source>Also enroll faces that match someone already enrolled</source>
        <translation>登録済みの人と一致する顔も登録する</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="160" />
        <source>Everyone in these photos agreed to be enrolled</source>
        <translation>写真の全員が登録に同意しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="162" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="167" />
        <source>Import</source>
        <translation>取り込む</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="169" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="208" />
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="215" />
        <source>{done} of {total}: {name}</source>
        <translation>{done} / {total}: {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="219" />
        <source>Imported {people} people with {templates} face shot(s); {skipped} photo(s) skipped.</source>
        <translation>{people} 人（顔写真 {templates} 枚）を登録しました。{skipped} 枚はスキップしました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="222" />
        <source>Stopped.</source>
        <translation>中止しました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="226" />
        <location filename="../../kiosk/ui/admin/photos.py" line="230" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="229" />
        <source>The import failed: {error}</source>
        <translation>取り込みに失敗しました: {error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="241" />
        <source>Stopping after this person…</source>
        <translation>この人の処理が終わったら中止します…</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="33" />
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="41" />
        <source>Delete</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="41" />
        <location filename="../../kiosk/ui/window.py" line="59" />
        <source>Face check-in</source>
        <translation>顔認証チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="151" />
        <source>Camera unavailable — reconnecting…</source>
        <translation>カメラを利用できません — 再接続中…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="163" />
        <location filename="../../kiosk/ui/window.py" line="209" />
        <source>Recognition stopped — retrying</source>
        <translation>認識が停止しました — 再試行中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="198" />
        <source>● Camera not responding</source>
        <translation>● カメラが応答しません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="201" />
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● カメラを利用できません — {s:.0f} 秒後に再試行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="203" />
        <source>● Camera live</source>
        <translation>● カメラ稼働中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="205" />
        <source>● Video ended</source>
        <translation>● 動画が終了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="207" />
        <source>● Connecting to the camera…</source>
        <translation>● カメラに接続しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="211" />
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="212" />
        <source>recognition {fps:.0f} fps</source>
        <translation>認識 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="214" />
        <source>people enrolled: {n}</source>
        <translation>登録人数: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="234" />
        <source>Camera not responding — waiting for a picture…</source>
        <translation>カメラが応答しません — 映像を待っています…</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="53" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="53" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="53" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="53" />
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="54" />
        <source>Face shots</source>
        <translation>顔写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="91" />
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="91" />
        <source>inactive</source>
        <translation>無効</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="198" />
        <source>Search name, employee no. or group</source>
        <translation>氏名・社員番号・グループで検索</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="213" />
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="215" />
        <location filename="../../kiosk/ui/admin/people.py" line="265" />
        <location filename="../../kiosk/ui/admin/people.py" line="297" />
        <location filename="../../kiosk/ui/admin/people.py" line="299" />
        <source>Deactivate</source>
        <translation>無効にする</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="217" />
        <source>Attendance…</source>
        <translation>出退勤…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="219" />
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="228" />
        <source>People</source>
        <translation>登録者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="245" />
        <source>{n} person(s)</source>
        <translation>{n} 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="265" />
        <source>Activate</source>
        <translation>有効にする</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="270" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="273" />
        <source>Could not save</source>
        <translation>保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="298" />
        <source>{name} will no longer be recognised. Their data is kept and you can activate them again later.</source>
        <translation>{name} さんは認識されなくなります。データは保持され、後で再び有効にできます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="309" />
        <source>Delete person</source>
        <translation>登録者の削除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="310" />
        <source>Delete {name}? Their {n} face shot(s) are erased for good. Attendance records keep the name for payroll.</source>
        <translation>{name} さんを削除しますか？顔写真 {n} 枚は完全に消去されます。給与計算のため出退勤記録には氏名が残ります。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="312" />
        <source>Delete</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>PersonFormMixin</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="150" />
        <source>Enroll anyway</source>
        <translation>このまま登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="150" />
        <source>Go back</source>
        <translation>戻る</translation>
    </message>
</context>
<context>
    <name>PhotoEnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="58" />
        <source>Enroll from photos</source>
        <translation>写真から登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="73" />
        <source>New person from photos</source>
        <translation>写真から新規登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="77" />
        <source>Skipped photos</source>
        <translation>スキップした写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="89" />
        <source>Looking for the face in {n} photo(s)…</source>
        <translation>{n} 枚の写真から顔を探しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="118" />
        <source>Usable photos: {n}. Skipped: {skipped}.</source>
        <translation>使える写真: {n} 枚。スキップ: {skipped} 枚。</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="66" />
        <source>Admin</source>
        <translation>管理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="79" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="148" />
        <source>Wrong PIN. Tries left: {n}</source>
        <translation>PIN が違います。残り {n} 回</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="155" />
        <source>The PIN must have {min} to {max} digits.</source>
        <translation>PIN は {min}〜{max} 桁の数字にしてください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="162" />
        <source>The two PINs differ. Please start again.</source>
        <translation>2回の PIN が一致しません。最初からやり直してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="171" />
        <source>Enter the admin PIN</source>
        <translation>管理者 PIN を入力</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="173" />
        <source>Choose an admin PIN ({min}–{max} digits)</source>
        <translation>管理者 PIN を決めてください（{min}〜{max} 桁）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="176" />
        <source>Enter the same PIN again</source>
        <translation>同じ PIN をもう一度入力</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="189" />
        <source>Too many wrong PINs. Admin is locked for {m}:{s:02d}.</source>
        <translation>PIN の誤りが多すぎます。管理機能はあと {m}:{s:02d} ロックされます。</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="41" />
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="42" />
        <source>keep forever</source>
        <translation>無期限に保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="45" />
        <source>Save and apply</source>
        <translation>保存して適用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="50" />
        <source>Keep attendance for</source>
        <translation>出退勤の保存期間</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="54" />
        <source>Change admin PIN…</source>
        <translation>管理者 PIN を変更…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="63" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="66" />
        <source>Audit log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="70" />
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="88" />
        <source>Attendance older than {days} days is deleted every day. Deleted now: {n} event(s).</source>
        <translation>{days} 日より古い出退勤記録は毎日削除されます。今回の削除: {n} 件。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="91" />
        <source>Attendance is kept forever.</source>
        <translation>出退勤記録は無期限に保存されます。</translation>
    </message>
</context>
<context>
    <name>ReembedScreen</name>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="48" />
        <source>Face check-in</source>
        <translation>顔認証チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="65" />
        <source>This happens once after a model update; the kiosk opens by itself when it is done.</source>
        <translation>モデル更新後に一度だけ行われます。完了するとキオスクが自動的に開きます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="110" />
        <source>Updating face templates for the new recognition model: {done} / {total}</source>
        <translation>新しい認識モデル用に顔テンプレートを更新しています: {done} / {total}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="114" />
        <source>no stored face photo</source>
        <translation>保存された顔写真がありません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="115" />
        <source>the stored face photo is damaged</source>
        <translation>保存された顔写真が破損しています</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="116" />
        <source>no face found in the stored photo</source>
        <translation>保存された写真に顔が見つかりません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="117" />
        <source>the stored photo gave no usable template</source>
        <translation>保存された写真から使用できるテンプレートを作れません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="122" />
        <source>{name}: {reasons} — still recognised by their other photos</source>
        <translation>{name}: {reasons} — 他の写真で引き続き認識されます</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="124" />
        <source>{name}: {reasons} — not recognised until re-enrolled</source>
        <translation>{name}: {reasons} — 再登録するまで認識されません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="136" />
        <source>Face templates updated: {moved} moved. These people could not be moved:</source>
        <translation>顔テンプレートを更新しました（{moved} 件を移行）。次の人は移行できませんでした:</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="138" />
        <source>Their old templates are kept, but the new model cannot use them: re-enroll them in admin mode.</source>
        <translation>以前のテンプレートは保持されますが、新しいモデルでは使えません。管理者モードで再登録してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/reembed_screen.py" line="157" />
        <source>Continue ({seconds} s)</source>
        <translation>続行（{seconds} 秒）</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="58" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="58" />
        <source>Event</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="58" />
        <source>Kiosk</source>
        <translation>端末</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="65" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="67" />
        <source>Export CSV…</source>
        <translation>CSV 書き出し…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="88" />
        <source>Today, {day}: {n} event(s), {p} person(s)</source>
        <translation>本日 {day}: {n} 件、{p} 人</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="152" />
        <source>Unknown</source>
        <translation>未登録</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="99" />
        <source>This face matches {name} ({similarity:.2f}). Enroll anyway?</source>
        <translation>この顔は {name} さん（{similarity:.2f}）と一致します。このまま登録しますか？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="101" />
        <source>Already enrolled?</source>
        <translation>登録済みではありませんか？</translation>
    </message>
</context>
</TS>