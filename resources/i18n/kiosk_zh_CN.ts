<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Banner</name>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="72"/>
        <source>Please look at the camera to check in</source>
        <translation>请看向摄像头签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="77"/>
        <source>Welcome, {name} — attendance could not be saved, please tell the front desk</source>
        <translation>欢迎，{name} — 考勤未能保存，请告知前台</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="81"/>
        <source>Welcome, {name} — checked in {time}</source>
        <translation>欢迎，{name} — {time} 已签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="83"/>
        <source>Welcome, {name} — IN at {time}</source>
        <translation>欢迎，{name} — {time} 进入</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="85"/>
        <source>Goodbye, {name} — OUT at {time}</source>
        <translation>再见，{name} — {time} 离开</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="87"/>
        <source>Welcome back, {name} — already checked in at {time}</source>
        <translation>欢迎回来，{name} — 已于 {time} 签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/banner.py" line="94"/>
        <source>Not recognised — please see the front desk</source>
        <translation>未能识别 — 请到前台登记</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../kiosk/ui/window.py" line="41"/>
        <location filename="../../kiosk/ui/window.py" line="58"/>
        <source>Face check-in</source>
        <translation>人脸签到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="149"/>
        <source>Camera unavailable — reconnecting…</source>
        <translation>摄像头不可用 — 正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="181"/>
        <source>● Camera not responding</source>
        <translation>● 摄像头无响应</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="184"/>
        <source>● Camera unavailable — retrying in {s:.0f} s</source>
        <translation>● 摄像头不可用 — {s:.0f} 秒后重试</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="186"/>
        <source>● Camera live</source>
        <translation>● 摄像头已连接</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="188"/>
        <source>● Video ended</source>
        <translation>● 视频已结束</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="190"/>
        <source>● Connecting to the camera…</source>
        <translation>● 正在连接摄像头…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="192"/>
        <source>{fps:.0f} fps</source>
        <translation>{fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="193"/>
        <source>recognition {fps:.0f} fps</source>
        <translation>识别 {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="195"/>
        <source>people enrolled: {n}</source>
        <translation>已登记人数：{n}</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/window.py" line="215"/>
        <source>Camera not responding — waiting for a picture…</source>
        <translation>摄像头无响应 — 正在等待画面…</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../kiosk/ui/video_view.py" line="149"/>
        <source>Unknown</source>
        <translation>未登记</translation>
    </message>
</context>
</TS>
