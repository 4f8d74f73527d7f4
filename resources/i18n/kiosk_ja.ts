<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja">
<context>
    <name />
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="147" />
        <source>First and last name</source>
        <translation>姓と名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="149" />
        <source>Employee number (optional)</source>
        <translation>社員番号（任意）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="153" />
        <source>The person agreed to be enrolled</source>
        <translation>本人が登録に同意しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="157" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="158" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="159" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="160" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="162" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>AddPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="69" />
        <source>Enroll with the camera</source>
        <translation>カメラで登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="71" />
        <source>Enroll one person from photos…</source>
        <translation>写真から1人を登録…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="72" />
        <source>Import a folder of people…</source>
        <translation>フォルダーから一括登録…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="76" />
        <source>Add people</source>
        <translation>人を追加</translation>
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
        <translation>この画面にはカメラが接続されていません。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="131" />
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="133" />
        <source>Add people</source>
        <translation>人を追加</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="134" />
        <source>People</source>
        <translation>登録者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="135" />
        <source>Attendance</source>
        <translation>出退勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="136" />
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="137" />
        <source>Outputs</source>
        <translation>出力先</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="147" />
        <source>Change my PIN…</source>
        <translation>自分の PIN を変更…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="150" />
        <source>Back to the kiosk</source>
        <translation>受付画面に戻る</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="152" />
        <source>Close kiosk</source>
        <translation>キオスクを終了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="219" />
        <source>Photos of one person</source>
        <translation>1人分の写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="220" />
        <source>Images ({patterns})</source>
        <translation>画像 ({patterns})</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="231" />
        <source>Folder with one sub-folder per person</source>
        <translation>1人1サブフォルダーのフォルダー</translation>
    </message>
</context>
<context>
    <name>Attendance</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="172" />
        <source>check-in</source>
        <translation>チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="173" />
        <source>in</source>
        <translation>出勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="174" />
        <source>out</source>
        <translation>退勤</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="88" />
        <source>Please look at the camera to check in</source>
        <translation>カメラを見てチェックインしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="103" />
        <source>Nobody is enrolled yet</source>
        <translation>まだ誰も登録されていません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="104" />
        <source>Administrator: to add people, press and hold the picture for {seconds} seconds or tap the top-left corner {taps} times</source>
        <translation>管理者の方へ：人を登録するには、映像を{seconds}秒間長押しするか、左上の隅を{taps}回タップしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="114" />
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>ようこそ、{name} さん — 出席を記録できませんでした。受付にお知らせください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="118" />
        <source>Welcome, {name} — checked in {time}</source>
        <translation>ようこそ、{name} さん — {time} にチェックインしました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="120" />
        <source>Welcome, {name} — IN at {time}</source>
        <translation>ようこそ、{name} さん — {time} 入室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="122" />
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>お疲れさまでした、{name} さん — {time} 退室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="124" />
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>おかえりなさい、{name} さん — {time} にチェックイン済みです</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="132" />
        <source>Please look at the camera yourself</source>
        <translation>ご本人がカメラを見てください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="140" />
        <source>Not recognised — please see the front desk</source>
        <translation>認識できませんでした — 受付にお越しください</translation>
    </message>
</context>
<context>
    <name>EditPersonDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="103" />
        <source>Edit person</source>
        <translation>登録者を編集</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="112" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="113" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="114" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="115" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="117" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="130" />
        <source>A person needs a name.</source>
        <translation>氏名を入力してください。</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="157" />
        <source>Enroll a new person</source>
        <translation>新しい人を登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="171" />
        <source>Tap to remove this shot</source>
        <translation>タップするとこの写真を削除します</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="175" />
        <source>Start over</source>
        <translation>やり直す</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="191" />
        <source>New person</source>
        <translation>新規登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="233" />
        <source>The face check failed: {error}</source>
        <translation>顔の確認に失敗しました: {error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="238" />
        <source>Look at the camera</source>
        <translation>カメラを見てください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="239" />
        <source>Only one person, please</source>
        <translation>1人ずつお願いします</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="240" />
        <source>Move closer</source>
        <translation>もう少し近づいてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="241" />
        <source>Face the camera</source>
        <translation>カメラの方を向いてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="242" />
        <source>Too dark</source>
        <translation>暗すぎます</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="243" />
        <source>Too bright</source>
        <translation>明るすぎます</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="244" />
        <source>Hold still</source>
        <translation>そのまま動かないでください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="245" />
        <source>That looks like someone else. Tap Start over to enroll another person</source>
        <translation>別の人のようです。別の人を登録するには「やり直す」をタップしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="246" />
        <source>Good. Now turn your head slightly</source>
        <translation>いいですね。少しだけ顔の向きを変えてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="247" />
        <source>Got it!</source>
        <translation>撮影しました！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="248" />
        <source>All shots taken</source>
        <translation>撮影が完了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="269" />
        <source>Shots: {n} of {max} (at least {min} needed)</source>
        <translation>撮影: {n} / {max}（{min} 枚以上必要）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="271" />
        <source>Shots: {n} of {max}. Type the name, then Save</source>
        <translation>撮影: {n} / {max}。名前を入力して「保存」を押してください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="273" />
        <source>Shots: {n} of {max}. Tick the consent box, then Save</source>
        <translation>撮影: {n} / {max}。同意欄にチェックして「保存」を押してください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/enroll_dialog.py" line="275" />
        <source>Shots: {n} of {max}. You can save now</source>
        <translation>撮影: {n} / {max}。保存できます</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="219" />
        <source>Export attendance</source>
        <translation>出退勤の書き出し</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="226" />
        <source>Every event</source>
        <translation>すべての記録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="227" />
        <source>One line per person per day</source>
        <translation>1人1日1行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="233" />
        <source>All groups</source>
        <translation>すべてのグループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="239" />
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="245" />
        <source>From</source>
        <translation>開始日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="246" />
        <source>To</source>
        <translation>終了日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="247" />
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="248" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="249" />
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="252" />
        <source>Export</source>
        <translation>書き出す</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="254" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="261" />
        <source>Export attendance as CSV (opens in Excel)</source>
        <translation>出退勤を CSV で書き出す（Excel で開けます）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="268" />
        <source>Save attendance as</source>
        <translation>出退勤の保存先</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="269" />
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="279" />
        <source>Choose a file to write.</source>
        <translation>書き出すファイルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="288" />
        <source>Wrote {n} row(s) to {path}</source>
        <translation>{path} に {n} 行を書き出しました</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="148" />
        <source>Attendance of {name}</source>
        <translation>{name} さんの出退勤</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Event</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="152" />
        <source>Kiosk</source>
        <translation>端末</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="159" />
        <source>{name}: {n} event(s) in the last {days} days</source>
        <translation>{name}: 過去 {days} 日間で {n} 件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="161" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>ImportFolderDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="155" />
        <location filename="../../kiosk/ui/admin/photos.py" line="179" />
        <source>Import a folder of people</source>
        <translation>フォルダーから一括登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="156" />
        <source>Each sub-folder of {folder} is one person, named after the sub-folder.</source>
        <translation>{folder} の各サブフォルダーが1人分で、サブフォルダー名が氏名になります。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="162" />
        <source>Also enroll faces that match someone already enrolled</source>
        <translation>登録済みの人と一致する顔も登録する</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="163" />
        <source>Everyone in these photos agreed to be enrolled</source>
        <translation>写真の全員が登録に同意しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="165" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="170" />
        <source>Import</source>
        <translation>取り込む</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="172" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="211" />
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="218" />
        <source>{done} of {total}: {name}</source>
        <translation>{done} / {total}: {name}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="222" />
        <source>Imported {people} people with {templates} face shot(s); {skipped} photo(s) skipped.</source>
        <translation>{people} 人（顔写真 {templates} 枚）を登録しました。{skipped} 枚はスキップしました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="225" />
        <source>Stopped.</source>
        <translation>中止しました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="229" />
        <location filename="../../kiosk/ui/admin/photos.py" line="233" />
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="232" />
        <source>The import failed: {error}</source>
        <translation>取り込みに失敗しました: {error}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="244" />
        <source>Stopping after this person…</source>
        <translation>この人の処理が終わったら中止します…</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="55" />
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="63" />
        <source>Delete</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="44" />
        <location filename="../../kiosk/ui/window.py" line="66" />
        <source>Face check-in</source>
        <translation>顔認証チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="158" />
        <source>Camera unavailable — reconnecting…</source>
        <translation>カメラを利用できません — 再接続中…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="170" />
        <location filename="../../kiosk/ui/window.py" line="235" />
        <source>Recognition stopped — retrying</source>
        <translation>認識が停止しました — 再試行中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="209" />
        <source>passive</source>
        <translation>パッシブ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="209" />
        <source>strict</source>
        <translation>厳格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="213" />
        <source>liveness check: {mode}, motion only ({files} missing)</source>
        <translation>なりすまし検知: {mode}、動きのみ（{files} がありません）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="216" />
        <source>liveness check: {mode}</source>
        <translation>なりすまし検知: {mode}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="224" />
        <source>● Camera not responding</source>
        <translation>● カメラが応答しません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="227" />
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● カメラを利用できません — {s:.0f} 秒後に再試行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="229" />
        <source>● Camera live</source>
        <translation>● カメラ稼働中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="231" />
        <source>● Video ended</source>
        <translation>● 動画が終了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="233" />
        <source>● Connecting to the camera…</source>
        <translation>● カメラに接続しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="237" />
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="238" />
        <source>recognition {fps:.0f} fps</source>
        <translation>認識 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="240" />
        <source>people enrolled: {n}</source>
        <translation>登録人数: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="244" />
        <source>⚠ output {name} failing: {detail}</source>
        <translation>⚠ 出力先 {name} でエラー: {detail}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="273" />
        <source>Camera not responding — waiting for a picture…</source>
        <translation>カメラが応答しません — 映像を待っています…</translation>
    </message>
</context>
<context>
    <name>OutputsPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Output</source>
        <translation>出力先</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="34" />
        <source>Event</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="35" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="35" />
        <source>Last error</source>
        <translation>最後のエラー</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="40" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="42" />
        <source>Send again</source>
        <translation>再送信</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="59" />
        <source>Outputs: {pending} pending, {delivered} delivered, {dead} not delivered</source>
        <translation>出力: 送信待ち {pending} 件、送信済み {delivered} 件、未達 {dead} 件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="61" />
        <source>Messages below ran out of retries. Fix the receiver, then send them again.</source>
        <translation>以下のメッセージは再試行の上限に達しました。受信側を直してから再送信してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/outputs.py" line="62" />
        <source>Every message was delivered or is on its way.</source>
        <translation>すべてのメッセージは送信済みか送信中です。</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="50" />
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="51" />
        <source>Face shots</source>
        <translation>顔写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="88" />
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="88" />
        <source>inactive</source>
        <translation>無効</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="194" />
        <source>Search name, employee no. or group</source>
        <translation>氏名・社員番号・グループで検索</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="209" />
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="211" />
        <location filename="../../kiosk/ui/admin/people.py" line="256" />
        <location filename="../../kiosk/ui/admin/people.py" line="288" />
        <location filename="../../kiosk/ui/admin/people.py" line="290" />
        <source>Deactivate</source>
        <translation>無効にする</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="213" />
        <source>Attendance…</source>
        <translation>出退勤…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="215" />
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="224" />
        <source>People</source>
        <translation>登録者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="236" />
        <source>{n} person(s)</source>
        <translation>{n} 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="256" />
        <source>Activate</source>
        <translation>有効にする</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="261" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="264" />
        <source>Could not save</source>
        <translation>保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="289" />
        <source>{name} will no longer be recognised. Their data is kept and you can activate them again later.</source>
        <translation>{name} さんは認識されなくなります。データは保持され、後で再び有効にできます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="300" />
        <source>Delete person</source>
        <translation>登録者の削除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="301" />
        <source>Delete {name}? Their {n} face shot(s) are erased for good. Attendance records keep the name for payroll.</source>
        <translation>{name} さんを削除しますか？顔写真 {n} 枚は完全に消去されます。給与計算のため出退勤記録には氏名が残ります。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/people.py" line="303" />
        <source>Delete</source>
        <translation>削除</translation>
    </message>
</context>
<context>
    <name>PersonFormMixin</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="171" />
        <source>Enroll anyway</source>
        <translation>このまま登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="171" />
        <source>Go back</source>
        <translation>戻る</translation>
    </message>
</context>
<context>
    <name>PhotoEnrollDialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="59" />
        <source>Enroll from photos</source>
        <translation>写真から登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="74" />
        <source>New person from photos</source>
        <translation>写真から新規登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="78" />
        <source>Skipped photos</source>
        <translation>スキップした写真</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="90" />
        <source>Looking for the face in {n} photo(s)…</source>
        <translation>{n} 枚の写真から顔を探しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/photos.py" line="119" />
        <source>Usable photos: {n}. Skipped: {skipped}.</source>
        <translation>使える写真: {n} 枚。スキップ: {skipped} 枚。</translation>
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
        <translation>アカウント名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="105" />
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="117" />
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="229" />
        <source>Tap your account name first.</source>
        <translation>先にアカウント名をタップしてください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="239" />
        <source>Please choose a new PIN of at least {min} digits.</source>
        <translation>{min} 桁以上の新しい PIN を設定してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="246" />
        <source>Wrong PIN.</source>
        <translation>PIN が違います。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="256" />
        <source>Wrong or expired setup code. Run “kiosk admin setup” on this computer for a new one.</source>
        <translation>セットアップコードが違うか期限切れです。このコンピューターで「kiosk admin setup」を実行して新しいコードを取得してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="263" />
        <source>Letters, digits, spaces and . @ - _ only, please.</source>
        <translation>文字、数字、スペース、. @ - _ のみ使用できます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="309" />
        <source>Tap your name, then enter your PIN</source>
        <translation>名前をタップして PIN を入力してください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="312" />
        <source>First start: enter the setup code that “kiosk admin setup” shows on this computer</source>
        <translation>初回起動：このコンピューターで「kiosk admin setup」が表示するセットアップコードを入力してください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="315" />
        <source>Name of the first admin account</source>
        <translation>最初の管理者アカウントの名前</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="317" />
        <source>Choose a PIN for {name} ({min}–{max} digits)</source>
        <translation>{name} の PIN を設定（{min}～{max} 桁）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="346" />
        <source>Too many wrong PINs. {name} is locked for {m}:{s:02d}.</source>
        <translation>PIN の誤りが多すぎます。{name} は {m}:{s:02d} の間ロックされます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="273" />
        <source>The PIN must have {min} to {max} digits.</source>
        <translation>PIN は {min}〜{max} 桁の数字にしてください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="283" />
        <source>The two PINs differ. Please start again.</source>
        <translation>2回の PIN が一致しません。最初からやり直してください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/keypad.py" line="320" />
        <source>Enter the same PIN again</source>
        <translation>同じ PIN をもう一度入力</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="42" />
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="43" />
        <source>keep forever</source>
        <translation>無期限に保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="46" />
        <source>Save and apply</source>
        <translation>保存して適用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="51" />
        <source>Keep attendance for</source>
        <translation>出退勤の保存期間</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>as in the config file</source>
        <translation>設定ファイルのとおり</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="57" />
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="58" />
        <source>passive: anti-spoofing networks</source>
        <translation>パッシブ: なりすまし検知ネットワーク</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="59" />
        <source>strict: networks and head motion</source>
        <translation>厳格: ネットワークと頭の動き</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="62" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="67" />
        <source>Photo and screen check</source>
        <translation>写真・画面によるなりすまし検知</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="74" />
        <source>Unlock</source>
        <translation>ロック解除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="81" />
        <source>Time</source>
        <translation>時刻</translation>
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
        <translation>詳細</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="87" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="90" />
        <source>Audit log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="94" />
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="116" />
        <source>Admin accounts: {accounts}. Locked: {n}.</source>
        <translation>管理アカウント: {accounts}。ロック中: {n}。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="142" />
        <source>Attendance older than {days} days is deleted every day. Deleted now: {n} event(s).</source>
        <translation>{days} 日より古い出退勤記録は毎日削除されます。今回の削除: {n} 件。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="145" />
        <source>Attendance is kept forever.</source>
        <translation>出退勤記録は無期限に保存されます。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/privacy.py" line="153" />
        <source>Saved: every kiosk on this database uses it within a few seconds.</source>
        <translation>保存しました。このデータベースのすべての端末で数秒以内に有効になります。</translation>
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
    <name>Roles</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="50" />
        <source>admin</source>
        <translation>管理者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="51" />
        <source>enroller</source>
        <translation>登録担当</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="52" />
        <source>viewer</source>
        <translation>閲覧者</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="56" />
        <source>Employee no.</source>
        <translation>社員番号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Event</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="57" />
        <source>Kiosk</source>
        <translation>端末</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="58" />
        <source>Correction</source>
        <translation>訂正</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="67" />
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="69" />
        <source>Export CSV…</source>
        <translation>CSV 書き出し…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="72" />
        <source>Void…</source>
        <translation>無効にする…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="74" />
        <source>Reassign…</source>
        <translation>付け替え…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="101" />
        <source>Today, {day}: {n} event(s), {p} person(s)</source>
        <translation>本日 {day}: {n} 件、{p} 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="119" />
        <source>void: {reason} ({who})</source>
        <translation>無効: {reason}（{who}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="121" />
        <source>was {name} ({who})</source>
        <translation>元は {name}（{who}）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="144" />
        <source>Event voided.</source>
        <translation>記録を無効にしました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="157" />
        <source>Event moved to {name}.</source>
        <translation>記録を {name} さんに付け替えました。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="165" />
        <location filename="../../kiosk/ui/admin/attendance.py" line="177" />
        <source>Tap an event that is not void first.</source>
        <translation>先に無効でない記録をタップしてください。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="167" />
        <source>Void event</source>
        <translation>記録を無効にする</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="168" />
        <source>Why is the check-in of {name} at {time} wrong?</source>
        <translation>{time} の {name} さんのチェックインはなぜ誤りですか？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="181" />
        <source>Nobody else is enrolled: there is no one to move this check-in to.</source>
        <translation>他に登録されている人がいないため、このチェックインを移す相手がいません。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="184" />
        <source>Reassign event</source>
        <translation>記録の付け替え</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/attendance.py" line="185" />
        <source>Who really checked in at {time}?</source>
        <translation>{time} に実際にチェックインしたのは誰ですか？</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="153" />
        <source>Unknown</source>
        <translation>未登録</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="155" />
        <source>Not live</source>
        <translation>本人ではありません</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="120" />
        <source>This face matches {name} ({similarity:.2f}). Enroll anyway?</source>
        <translation>この顔は {name} さん（{similarity:.2f}）と一致します。このまま登録しますか？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/common.py" line="122" />
        <source>Already enrolled?</source>
        <translation>登録済みではありませんか？</translation>
    </message>
</context>
</TS>