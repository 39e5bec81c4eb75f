<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="72"/>
        <source>Operations dashboard for job and message queues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="75"/>
        <source>Start the embedded Delayed::Job demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="77"/>
        <source>Monitor URL for this run only (repeatable).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="79"/>
        <source>Poll interval in seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="82"/>
        <source>Render the window to a PNG and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="85"/>
        <source>With --screenshot: wait this long first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="88"/>
        <source>Open this queue of the first connection.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd</name>
    <message>
        <location filename="../core/cli/check.cpp" line="78"/>
        <source>%1: age of the oldest job is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="82"/>
        <source>%1: oldest job waited %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="88"/>
        <source>%1: depth is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="94"/>
        <source>%1: %2 jobs waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="120"/>
        <source>worker count is unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="124"/>
        <source>%1 live worker(s), %2 required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="126"/>
        <source> (idle workers are invisible on this backend)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="129"/>
        <source>, %1 lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../core/cli/check.cpp" line="144"/>
        <source>%n queue(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="146"/>
        <source>, oldest job %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/cli/check.cpp" line="149"/>
        <source>, %1 busy worker(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="35"/>
        <source>Cannot open the history database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="40"/>
        <source>%1 is not a usable history database: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::AddConnectionDialog</name>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="20"/>
        <source>Add Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="23"/>
        <source>e.g. Production jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="24"/>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="26"/>
        <source>Choose an example…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="30"/>
        <source>&amp;Example:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="34"/>
        <source>Connection URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="35"/>
        <source>&amp;URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="36"/>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="37"/>
        <source>Connect once and read a snapshot, without saving anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="44"/>
        <source>Passwords are never stored in the settings file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="108"/>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/addconnectiondialog.cpp" line="116"/>
        <source>OK: %n queue(s) found.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/addconnectiondialog.cpp" line="118"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::BackendFactory</name>
    <message>
        <location filename="../core/backendfactory.cpp" line="17"/>
        <source>The %1 backend is not available in this build yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ConnectionTreeModel</name>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="161"/>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="164"/>
        <source>%1
Last poll failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="182"/>
        <source>%1: %2 waiting, oldest %3 — %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="197"/>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/connectiontreemodel.cpp" line="197"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::ConnectionUrl</name>
    <message>
        <location filename="../core/connectionurl.cpp" line="76"/>
        <source>The connection URL is empty. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="82"/>
        <source>&quot;%1&quot; is not a connection URL: it needs a scheme such as delayedjob+sqlite:// or sidekiq+redis://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="100"/>
        <source>Unknown scheme &quot;%1&quot;. Supported: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="118"/>
        <source>The SQLite path must be absolute (three slashes): delayedjob+sqlite:///path/to/db.sqlite3, got &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="126"/>
        <source>The URL is malformed: %1. Example: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="131"/>
        <source>The URL has no host name. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="135"/>
        <source>The port must be between 1 and 65535.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="146"/>
        <source>The PostgreSQL URL names no database. Example: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="153"/>
        <source>The Redis database must be a number after the host, like /0; got &quot;/%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connectionurl.cpp" line="163"/>
        <source>The table name &quot;%1&quot; is not a plain SQL identifier (letters, digits, underscore, optional schema.).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::Freshness</name>
    <message>
        <location filename="../models/freshness.cpp" line="28"/>
        <source>%1/min</source>
        <extracomment>jobs per minute</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="40"/>
        <source>%1 s</source>
        <extracomment>duration in seconds</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="44"/>
        <source>%1 m %2 s</source>
        <extracomment>duration in minutes and seconds</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="48"/>
        <source>%1 h %2 m</source>
        <extracomment>duration in hours and minutes</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="51"/>
        <source>%1 d %2 h</source>
        <extracomment>duration in days and hours</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="62"/>
        <source>never updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="65"/>
        <source>stale since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/freshness.cpp" line="69"/>
        <source>updated %1 ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::HistoryStore</name>
    <message numerus="yes">
        <location filename="../core/history/historystore.cpp" line="68"/>
        <source>History: %n sample(s) could not be written and were dropped: %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../core/history/historystore.cpp" line="99"/>
        <source>Cannot create the history directory %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::HistoryWriter</name>
    <message>
        <location filename="../core/history/historyschema.cpp" line="82"/>
        <source>Cannot create the history schema: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/history/historyschema.cpp" line="136"/>
        <source>cannot register a series</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::MainWindow</name>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="37"/>
        <source>Queuedeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="48"/>
        <source>Connections and queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="69"/>
        <location filename="../app/gui/mainwindow.cpp" line="115"/>
        <source>Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="103"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="104"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="105"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="109"/>
        <source>&amp;Add Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="111"/>
        <source>&amp;Remove Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="112"/>
        <source>Ctrl+Shift+Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="113"/>
        <source>Open the &amp;Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="119"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="122"/>
        <source>&amp;Refresh Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="124"/>
        <source>&amp;Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="125"/>
        <source>Ctrl+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="207"/>
        <source>Demo: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="215"/>
        <source>Demo (Delayed::Job)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="227"/>
        <source>Add Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="239"/>
        <source>Remove Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="239"/>
        <source>Stop monitoring &quot;%1&quot;?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::OverviewPage</name>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="35"/>
        <source>Overview of all queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="72"/>
        <source>in %1 · out %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/overviewpage.cpp" line="109"/>
        <source>No queues yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/overviewpage.cpp" line="110"/>
        <source>%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qd::QueueDetailView</name>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>5 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>Alt+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>Alt+2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>24 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="74"/>
        <source>Alt+3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="79"/>
        <source>Show the last %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="100"/>
        <source>Depth by state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="100"/>
        <source>Throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="100"/>
        <source>Oldest waiting job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="100"/>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="118"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="119"/>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="120"/>
        <source>scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="121"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="122"/>
        <source>in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="123"/>
        <source>out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="124"/>
        <source>oldest age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="125"/>
        <source>busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="126"/>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="127"/>
        <source>lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="143"/>
        <source>Queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="275"/>
        <source>This queue has no jobs and was not seen in the last poll.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="276"/>
        <source>Waiting for the first poll…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="280"/>
        <source>Waiting %1 · running %2 · scheduled %3 · failed %4 · oldest %5 · in %6 · out %7 · workers %8 busy / %9 idle / %10 lost · %11</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="290"/>
        <source>≈ Rates are lower bounds: jobs that arrive and finish between two polls are not seen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="293"/>
        <source>Idle workers are invisible on this backend: only workers holding a job are counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/queuedetailview.cpp" line="304"/>
        <source>Last poll failed: %1 — showing the last known data.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueOverviewModel</name>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="171"/>
        <source>Last poll failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="201"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="202"/>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="203"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="204"/>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="205"/>
        <source>Scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="206"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="207"/>
        <source>Oldest</source>
        <comment>age of the oldest waiting job</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="208"/>
        <source>In/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="209"/>
        <source>Out/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queueoverviewmodel.cpp" line="210"/>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueStatus</name>
    <message>
        <location filename="../models/queuestatus.cpp" line="40"/>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="41"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="42"/>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../models/queuestatus.cpp" line="43"/>
        <source>Unknown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::QueueTile</name>
    <message>
        <location filename="../widgets/queuetile.cpp" line="35"/>
        <source>Queue %1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="36"/>
        <source>%1: %2 waiting, oldest %3, %4, %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="38"/>
        <source>Last poll failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="106"/>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="110"/>
        <source>oldest %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/queuetile.cpp" line="110"/>
        <source>failed %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::StatusStrip</name>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="15"/>
        <source>Connection status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="36"/>
        <source>%1: connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="38"/>
        <source>✖ %1: unreachable — %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="42"/>
        <source>● %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/statusstrip.cpp" line="45"/>
        <source>No connections</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::TimeSeriesChart</name>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="276"/>
        <source>hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="279"/>
        <source>minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="281"/>
        <source>seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="284"/>
        <source>jobs/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../widgets/charts/timeserieschart.cpp" line="286"/>
        <source>jobs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::WelcomePage</name>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="15"/>
        <source>Welcome to Queuedeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="22"/>
        <source>Live depth, age of the oldest job and worker status for your job queues.
Try the demo: a simulated Delayed::Job fleet whose workers die a minute in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="30"/>
        <source>Open the &amp;demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/welcomepage.cpp" line="32"/>
        <source>&amp;Add connection…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::delayedjob</name>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="44"/>
        <source>Query for %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="84"/>
        <source>%1 is not a readable SQLite database: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="90"/>
        <source>Table &quot;%1&quot; not found in %2. Is this the application&apos;s database, and is the table name right (URL option table=)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="107"/>
        <source>Table &quot;%1&quot; does not look like a Delayed::Job table: missing column(s) %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="134"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="141"/>
        <source>queue counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="176"/>
        <source>workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="184"/>
        <source>(unknown worker)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="219"/>
        <location filename="../core/backends/delayedjob/djschema.cpp" line="223"/>
        <source>arrivals</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::delayedjob::DelayedJobBackend</name>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="68"/>
        <source>SQLite database %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="71"/>
        <source>SQLite database %1 is not a readable file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="90"/>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/backends/delayedjob/delayedjobbackend.cpp" line="90"/>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::demo::DemoFleet</name>
    <message>
        <location filename="../core/demo/demofleet.cpp" line="276"/>
        <source>New job class CoverageReportJob lands on a new queue &quot;reports&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demofleet.cpp" line="281"/>
        <source>All workers died (OS upgrade); the backlog grows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demofleet.cpp" line="286"/>
        <source>Workers restarted; draining the backlog</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qd::demo::DemoSimulator</name>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="72"/>
        <source>Cannot create the demo directory %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/demo/demosimulator.cpp" line="88"/>
        <source>Cannot create the demo database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
