<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="70"/>
        <source>Please look at the camera to check in</source>
        <translation>カメラを見てチェックインしてください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="75"/>
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>ようこそ、{name} さん — 出席を記録できませんでした。受付にお知らせください</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="79"/>
        <source>Welcome, {name} — checked in {time}</source>
        <translation>ようこそ、{name} さん — {time} にチェックインしました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="81"/>
        <source>Welcome, {name} — IN at {time}</source>
        <translation>ようこそ、{name} さん — {time} 入室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="83"/>
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>お疲れさまでした、{name} さん — {time} 退室</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="85"/>
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>おかえりなさい、{name} さん — {time} にチェックイン済みです</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="92"/>
        <source>Not recognised — please see the front desk</source>
        <translation>認識できませんでした — 受付にお越しください</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="36"/>
        <location filename="../../kiosk/ui/window.py" line="52"/>
        <source>Face check-in</source>
        <translation>顔認証チェックイン</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="140"/>
        <source>Camera unavailable — reconnecting…</source>
        <translation>カメラを利用できません — 再接続中…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="173"/>
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● カメラを利用できません — {s:.0f} 秒後に再試行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="175"/>
        <source>● Camera live</source>
        <translation>● カメラ接続中</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="177"/>
        <source>● Video ended</source>
        <translation>● 動画が終了しました</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="179"/>
        <source>● Connecting to the camera…</source>
        <translation>● カメラに接続しています…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="181"/>
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="182"/>
        <source>recognition {fps:.0f} fps</source>
        <translation>認識 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="184"/>
        <source>people enrolled: {n}</source>
        <translation>登録人数: {n}</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="139"/>
        <source>Unknown</source>
        <translation>未登録</translation>
    </message>
</context>
</TS>
