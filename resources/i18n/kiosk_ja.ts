<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="72"/>
        <source>Please look at the camera to check in</source>
        <translation>カメラを見てチェックインしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="77"/>
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>ようこそ、{name} さん — 出席を記録できませんでした。受付にお知らせください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="81"/>
        <source>Welcome, {name} — checked in {time}</source>
        <translation>ようこそ、{name} さん — {time} にチェックインしました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="83"/>
        <source>Welcome, {name} — IN at {time}</source>
        <translation>ようこそ、{name} さん — {time} 入室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="85"/>
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>お疲れさまでした、{name} さん — {time} 退室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="87"/>
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>おかえりなさい、{name} さん — {time} にチェックイン済みです</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="94"/>
        <source>Not recognised — please see the front desk</source>
        <translation>認識できませんでした — 受付にお越しください</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="41"/>
        <location filename="../../kiosk/ui/window.py" line="58"/>
        <source>Face check-in</source>
        <translation>顔認証チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="149"/>
        <source>Camera unavailable — reconnecting…</source>
        <translation>カメラを利用できません — 再接続中…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="181"/>
        <source>● Camera not responding</source>
        <translation>● カメラが応答しません</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="184"/>
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● カメラを利用できません — {s:.0f} 秒後に再試行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="186"/>
        <source>● Camera live</source>
        <translation>● カメラ稼働中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="188"/>
        <source>● Video ended</source>
        <translation>● 動画が終了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="190"/>
        <source>● Connecting to the camera…</source>
        <translation>● カメラに接続しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="192"/>
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="193"/>
        <source>recognition {fps:.0f} fps</source>
        <translation>認識 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="195"/>
        <source>people enrolled: {n}</source>
        <translation>登録人数: {n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="215"/>
        <source>Camera not responding — waiting for a picture…</source>
        <translation>カメラが応答しません — 映像を待っています…</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="149"/>
        <source>Unknown</source>
        <translation>未登録</translation>
    </message>
</context>
</TS>
