// The message catalogue (zh-CN and en) and the page's language.
//
// Every visible string of every page comes from MESSAGES. The language is, in
// order: ?lang= in the address, the one chosen with the switch (kept in
// localStorage), the browser's preference, the competition's first language —
// always one the competition offers.

export const LANGUAGES = ["zh-CN", "en"];
const STORE_KEY = "leitai.lang";

export const MESSAGES = {
  "app.name": { "zh-CN": "擂台", en: "Leitai" },
  "list.separator": { "zh-CN": "、", en: ", " },
  "lang.zh-CN": { "zh-CN": "中文", en: "中文" },
  "lang.en": { "zh-CN": "English", en: "English" },
  "lang.switch": { "zh-CN": "切换语言", en: "Switch language" },

  "conn.live": { "zh-CN": "实时", en: "Live" },
  "conn.connecting": { "zh-CN": "正在连接…", en: "Connecting…" },
  "conn.offline": { "zh-CN": "离线", en: "Offline" },
  "conn.stale": { "zh-CN": "连接中断 · 数据截至 {time}", en: "Connection lost · data as of {time}" },
  "conn.unsaved": { "zh-CN": "暂停保存 · 结果可能不是最新", en: "Not saving — results may be out of date" },

  "error.offline": { "zh-CN": "无法连接服务器", en: "Cannot reach the server" },
  "error.http": { "zh-CN": "服务器返回错误 {status}", en: "The server answered {status}" },
  "error.no_competition": { "zh-CN": "本服务器上没有赛事“{cid}”", en: "There is no competition “{cid}” on this server" },
  "error.see_competitions": { "zh-CN": "查看本服务器上的赛事", en: "See the competitions on this server" },
  "error.no_setup": { "zh-CN": "服务器未提供赛事设置", en: "The server does not provide the competition's set-up" },

  "action.cancel": { "zh-CN": "取消", en: "Cancel" },
  "action.confirm": { "zh-CN": "确定", en: "Confirm" },

  "status.scored": { "zh-CN": "已评", en: "Scored" },
  "status.incomplete": { "zh-CN": "待补成绩", en: "Awaiting a score" },
  "status.withheld": { "zh-CN": "暂缓", en: "Withheld" },
  "status.pending": { "zh-CN": "待揭晓", en: "Pending" },
  "status.withdrawn": { "zh-CN": "退赛", en: "Withdrawn" },
  "status.disqualified": { "zh-CN": "取消资格", en: "Disqualified" },
  "status.lacks": { "zh-CN": "缺{sources}", en: "{sources} missing" },

  "drop.trimmed_low": { "zh-CN": "去掉最低分", en: "Lowest dropped" },
  "drop.trimmed_high": { "zh-CN": "去掉最高分", en: "Highest dropped" },
  "drop.not_closest": { "zh-CN": "偏离较大，未计入", en: "Furthest, not counted" },
  "drop.abstained": { "zh-CN": "弃权", en: "Abstained" },
  "drop.recused": { "zh-CN": "回避", en: "Recused" },
  "drop.same_organisation": { "zh-CN": "同单位回避", en: "Same organisation" },
  "drop.not_on_panel": { "zh-CN": "不在本组评委", en: "Not on the panel" },
  "drop.unknown_judge": { "zh-CN": "未登记评委", en: "Unknown judge" },
  "drop.shadow": { "zh-CN": "见习评委", en: "Shadow judge" },

  "screen.page_title": { "zh-CN": "大屏", en: "Screen" },
  "screen.provisional": { "zh-CN": "暂定成绩", en: "Provisional" },
  "screen.on_stage": { "zh-CN": "正在比赛", en: "On stage" },
  "screen.result": { "zh-CN": "成绩揭晓", en: "Result" },
  "screen.waiting": { "zh-CN": "请稍候，比赛即将继续", en: "The next contestant will be on shortly" },
  "screen.scored_of": { "zh-CN": "{n}/{m} 位评委已评分", en: "{n} of {m} judges have scored" },
  "screen.state_called": { "zh-CN": "候场", en: "Called" },
  "screen.state_scoring": { "zh-CN": "评分中", en: "Scoring" },
  "screen.state_closed": { "zh-CN": "评分结束", en: "Scoring closed" },
  "screen.state_revealed": { "zh-CN": "成绩已揭晓", en: "Revealed" },
  "screen.group_rank": { "zh-CN": "{group}第 {rank} 名", en: "{group}: rank {rank}" },
  "screen.overall_rank": { "zh-CN": "总排名第 {rank} 名", en: "Overall rank {rank}" },
  "screen.overall": { "zh-CN": "总排行榜", en: "Overall" },
  "screen.page": { "zh-CN": "第 {n}/{m} 页", en: "Page {n} of {m}" },
  "screen.scan": { "zh-CN": "扫码用手机看实时榜单", en: "Scan to follow the board on your phone" },
  "screen.awards": { "zh-CN": "获奖名单", en: "Awards" },
  "screen.awards_roll": { "zh-CN": "全体获奖名单", en: "All the winners" },
  "screen.awards_soon": { "zh-CN": "颁奖即将开始", en: "The awards are next" },
  "screen.awards_next": { "zh-CN": "按空格键揭晓下一奖项", en: "Press Space for the next award" },
  "screen.award_count": { "zh-CN": "共 {n} 名", en: "{n} winners" },
  "screen.award_count_one": { "zh-CN": "共 {n} 名", en: "1 winner" },

  "mark.empty": { "zh-CN": "请填写分数", en: "Enter a mark" },
  "mark.not_number": { "zh-CN": "请填写数字", en: "Enter a number" },
  "mark.whole": { "zh-CN": "只能填整数", en: "Whole numbers only" },
  "mark.places": { "zh-CN": "最多 {places} 位小数", en: "At most {places} decimal places" },
  "mark.places_one": { "zh-CN": "最多 {places} 位小数", en: "At most 1 decimal place" },
  "mark.too_high": { "zh-CN": "不能超过 {max} 分", en: "No more than {max}" },

  "judge.title": { "zh-CN": "评委评分", en: "Judge" },
  "judge.panel": { "zh-CN": "评委组 {panel}", en: "Panel {panel}" },
  "judge.no_token": { "zh-CN": "请用主办方发给您的评委链接或二维码打开本页", en: "Open this page from the judge's link or QR code the organisers gave you" },
  "judge.link_refused": { "zh-CN": "此评委链接无效（已作废或有误），请向主办方索取您的链接或二维码", en: "This judge's link is not valid (revoked or mistyped): ask the organisers for your link or QR code" },
  "judge.on_stage": { "zh-CN": "当前选手", en: "On stage" },
  "judge.waiting": { "zh-CN": "等待下一位选手上场", en: "Waiting for the next contestant" },
  "judge.stage_offline": { "zh-CN": "无网络：恢复后显示当前选手", en: "No network: who is on stage shows when it returns" },
  "judge.not_yours": { "zh-CN": "本选手不由您评分", en: "You do not score this contestant" },
  "judge.open": { "zh-CN": "评分进行中", en: "Scoring is open" },
  "judge.closed": { "zh-CN": "评分已结束，不能再提交或修改", en: "Scoring is closed: no more sheets or corrections" },
  "judge.not_open": { "zh-CN": "评分尚未开始", en: "Scoring has not opened yet" },
  "judge.sheet_for": { "zh-CN": "评分表", en: "Scoresheet" },
  "judge.correct_for": { "zh-CN": "修改评分（评分开放期间可改）", en: "Correct your sheet (while scoring is open)" },
  "judge.still_owed": { "zh-CN": "仍待您评分：{names}", en: "Still waiting for your sheet: {names}" },
  "judge.abstained_now": { "zh-CN": "您已对此选手弃权；评分开放期间仍可改为评分。", en: "You abstained for this contestant; while scoring is open you can still send a sheet instead." },
  "judge.choose": { "zh-CN": "选择选手", en: "Choose the contestant" },
  "judge.max": { "zh-CN": "满分 {max}", en: "maximum {max}" },
  "judge.total": { "zh-CN": "总分", en: "Total" },
  "judge.review": { "zh-CN": "核对并提交", en: "Review and submit" },
  "judge.review_correction": { "zh-CN": "核对并提交修改", en: "Review the correction" },
  "judge.abstain": { "zh-CN": "弃权（不评此选手）", en: "Abstain (do not score this contestant)" },
  "judge.abstain_note": { "zh-CN": "您将对此选手弃权：记录在案，不计入其得分。评分开放期间仍可改为评分。", en: "You abstain for this contestant: it is recorded and does not count in their score. While scoring is open you can still send a sheet instead." },
  "judge.abstained": { "zh-CN": "已弃权", en: "Abstained" },
  "judge.confirm_title": { "zh-CN": "请核对后确认提交", en: "Check, then confirm" },
  "judge.send": { "zh-CN": "确认提交", en: "Confirm and send" },
  "judge.back": { "zh-CN": "返回修改", en: "Back" },
  "judge.outbox": { "zh-CN": "{n} 份评分待发送", en: "{n} sheets waiting to be sent" },
  "judge.outbox_one": { "zh-CN": "{n} 份评分待发送", en: "1 sheet waiting to be sent" },
  "judge.outbox_retrying": { "zh-CN": "已保存在本机，正在重试发送，请勿关闭页面", en: "Kept on this phone and being retried" },
  "judge.outbox_offline": { "zh-CN": "网络已断开：评分已保存在本机，恢复后自动发送", en: "No network: kept on this phone, sent when it returns" },
  "judge.retry_now": { "zh-CN": "立即重试", en: "Retry now" },
  "judge.refused": { "zh-CN": "{name} 的评分未被接受", en: "The sheet for {name} was refused" },
  "judge.dismiss": { "zh-CN": "知道了", en: "Dismiss" },
  "judge.received": { "zh-CN": "评分已送达", en: "Received" },
  "judge.receipt": { "zh-CN": "回执：第 {seq} 号记录，校验码", en: "Receipt: record {seq}, hash" },
  "judge.duplicate": { "zh-CN": "（此前已收到）", en: "(already received)" },
  "judge.my_scores": { "zh-CN": "我已评分的选手", en: "Contestants I have scored" },
  "judge.waiting_to_send": { "zh-CN": "待发送", en: "waiting to send" },
  "judge.none_scored": { "zh-CN": "尚无", en: "None yet" },
  "judge.sent_total": { "zh-CN": "总分 {total}", en: "Total {total}" },
  "receipt.title": { "zh-CN": "评分收录证明", en: "Proof that your scores are in the results" },
  "receipt.verified": { "zh-CN": "您的评分已收录于公布结果：已验证", en: "Your score is in the published results: verified" },
  "receipt.at_size": { "zh-CN": "已对照签名检查点核对（共 {size} 条记录）", en: "Checked against the signed checkpoint of {size} records" },
  "receipt.failed": { "zh-CN": "验证未通过", en: "Not verified" },
  "receipt.waiting": { "zh-CN": "等待成绩公布后签署的检查点", en: "Waiting for the checkpoint signed when the result is revealed" },
  "receipt.retrying": { "zh-CN": "暂时无法验证（{message}），稍后重试", en: "Cannot check yet ({message}); trying again shortly" },
  "receipt.save": { "zh-CN": "保存证明文件", en: "Save the proof file" },
  "receipt.how": { "zh-CN": "在本浏览器中核对：回执的叶哈希、至签名根哈希的包含证明、检查点的签名", en: "Checked in this browser: the receipt's leaf hash, the inclusion proof up to the signed root, the checkpoint's signature" },
  "receipt.fail_key": { "zh-CN": "服务器公钥格式错误，或密钥编号与公钥不符", en: "The server's public key is malformed, or its key id does not match it" },
  "receipt.fail_checkpoint": { "zh-CN": "检查点格式错误", en: "The checkpoint is not a Leitai checkpoint" },
  "receipt.fail_unsigned": { "zh-CN": "检查点上没有服务器密钥 {key} 的签名", en: "The checkpoint carries no signature by the server's key {key}" },
  "receipt.fail_signature": { "zh-CN": "检查点的签名与服务器公钥 {key} 不符：检查点被改动或伪造", en: "The checkpoint's signature does not verify with the server's key {key}: the checkpoint was altered or forged" },
  "receipt.fail_unsupported": { "zh-CN": "本浏览器不支持此签名算法，无法在本机验证；请保存证明文件，用命令行核验", en: "This browser cannot check Ed25519 signatures: save the proof file and check it with leitai verify-receipt" },
  "receipt.fail_insecure": { "zh-CN": "本页不是安全连接，浏览器不提供密码学接口；请保存证明文件另行核验", en: "This page is not a secure context (https), so the browser withholds its cryptography: save the proof file and check it elsewhere" },
  "receipt.fail_proof_for": { "zh-CN": "证明对应的日志规模（{size} 条）与检查点（{checkpoint} 条）不符", en: "The proof is for a log of {size} records, the checkpoint is of {checkpoint}" },
  "receipt.fail_after": { "zh-CN": "第 {seq} 号记录在该检查点（{size} 条）之后", en: "Record {seq} is after this checkpoint ({size} records)" },
  "receipt.fail_malformed": { "zh-CN": "第 {seq} 号记录的证明格式错误", en: "The proof of record {seq} is malformed" },
  "receipt.fail_other_hash": { "zh-CN": "服务器日志第 {seq} 号记录的哈希为 {hash}，与您的回执不符", en: "The server's log holds another event at record {seq} (hash {hash}) than your receipt" },
  "receipt.fail_root": { "zh-CN": "第 {seq} 号记录的包含证明推不出检查点（{size} 条）的签名根哈希：该评分不在公布结果中，或证明被改动", en: "The inclusion proof of record {seq} does not lead to the signed root of the checkpoint of {size} records: the score is not in the published results, or the proof was altered" },
  "receipt.key_changed": {
    "zh-CN": "警告：服务器现在出示的签名公钥（{served}）与本页首次见到的（{pinned}）不同。您的回执仍只按首次见到的公钥核验。公钥改变可能意味着服务器被替换或记录被改写：请告知主办方和审计人员，并保留已保存的证明文件。",
    en: "Warning: the server now presents another signing key ({served}) than the one this page first saw ({pinned}). Your receipts are still checked against the key first seen, and only against it. A changed key can mean the server was replaced or its records rewritten: tell the organisers and the auditors, and keep the proof files you saved.",
  },
  "receipt.fail_error": { "zh-CN": "验证出错：{message}", en: "The check failed: {message}" },

  "admin.title": { "zh-CN": "赛事控制台", en: "Organiser console" },
  "admin.done": { "zh-CN": "已完成（第 {seq} 号记录）", en: "Done (record {seq})" },
  "admin.on_stage": { "zh-CN": "当前选手", en: "On stage" },
  "admin.nobody": { "zh-CN": "暂无选手上场", en: "Nobody is on stage" },
  "admin.panel": { "zh-CN": "评委组 {panel}", en: "Panel {panel}" },
  "admin.panel_col": { "zh-CN": "评委组", en: "Panel" },
  "admin.scored": { "zh-CN": "已评分", en: "Scored" },
  "admin.abstained": { "zh-CN": "弃权", en: "Abstained" },
  "admin.n_abstained": { "zh-CN": "其中 {n} 位弃权", en: "{n} abstained" },
  "admin.missing": { "zh-CN": "未评分", en: "Not scored" },
  "admin.paper_waiting": { "zh-CN": "纸质评分待复核", en: "Paper sheet waiting" },
  "admin.connected": { "zh-CN": "手机在线", en: "Phone connected" },
  "admin.last_seen": { "zh-CN": "最后在线 {time}", en: "Last seen {time}" },
  "admin.never_seen": { "zh-CN": "未连接", en: "Not connected" },
  "admin.phones_connected": { "zh-CN": "{n}/{m} 位评委手机在线", en: "{n} of {m} judges' phones connected" },
  "admin.show_judges": { "zh-CN": "各评委手机状态", en: "Each judge's phone" },
  "admin.awards_step": { "zh-CN": "大屏显示 {n} 个奖项", en: "{n} awards on the screens" },
  "admin.awards_step_of": { "zh-CN": "大屏已揭晓 {n}/{m} 个奖项", en: "Awards on the screens: {n} of {m}" },
  "admin.award_next": { "zh-CN": "揭晓下一奖项", en: "Next award" },
  "admin.award_previous": { "zh-CN": "退回上一奖项", en: "Previous award" },
  "admin.awards_roll": { "zh-CN": "名单长的奖项在大屏上分页显示，揭晓下一奖项不等翻完；全部揭晓后，大屏轮流显示全体获奖名单，没翻到的页也在其中", en: "A long list shows in pages on the screens, and the next award does not wait for them; once every award is out, the screens roll through all the winners, pages stepped past included" },
  "admin.scored_of": { "zh-CN": "{n}/{m} 位评委已评分", en: "{n} of {m} judges have scored" },
  "admin.open": { "zh-CN": "开始评分", en: "Open scoring" },
  "admin.close": { "zh-CN": "结束评分", en: "Close scoring" },
  "admin.reveal": { "zh-CN": "揭晓成绩", en: "Reveal" },
  "admin.auto_close": { "zh-CN": "全部评委评完后自动结束评分", en: "Close by itself once every judge has scored" },
  "admin.auto_close_held": { "zh-CN": "因此未自动结束评分，请确认后手动结束。", en: "So scoring was not closed by itself: close it yourself if that is right." },
  "admin.final": { "zh-CN": "最终得分", en: "Final" },
  "admin.rank": { "zh-CN": "第 {rank} 名", en: "rank {rank}" },
  "admin.call_next": { "zh-CN": "请下一位：{name}", en: "Call next: {name}" },
  "admin.ask_call_while_open": { "zh-CN": "{name} 的评分仍在进行，还有 {n} 位评委未评分（{names}）。仍请 {next} 上场？{name} 的评分保持开放，可在出场顺序表中结束。", en: "Scoring for {name} is still open: {n} judges have not scored ({names}). Call {next} anyway? {name}'s scoring stays open; close it in the run of show." },
  "admin.ask_call_while_open_one": { "zh-CN": "{name} 的评分仍在进行，还有 {n} 位评委未评分（{names}）。仍请 {next} 上场？{name} 的评分保持开放，可在出场顺序表中结束。", en: "Scoring for {name} is still open: 1 judge has not scored ({names}). Call {next} anyway? {name}'s scoring stays open; close it in the run of show." },
  "admin.no_next": { "zh-CN": "没有待上场的选手", en: "Nobody left to call" },
  "admin.ask_reveal": { "zh-CN": "揭晓 {name} 的成绩？揭晓后大屏和观众立即可见。", en: "Reveal {name}'s result? The screen and the audience see it at once." },
  "admin.ask_close_missing": { "zh-CN": "还有 {n} 位评委未评分（{names}），仍要结束评分？", en: "{n} judges have not scored ({names}). Close scoring anyway?" },
  "admin.ask_close_missing_one": { "zh-CN": "还有 {n} 位评委未评分（{names}），仍要结束评分？", en: "1 judge has not scored ({names}). Close scoring anyway?" },
  "admin.ask_close": { "zh-CN": "仍要结束评分？", en: "Close scoring anyway?" },
  "admin.withhold_close": { "zh-CN": "仅 {n} 位评委有效评分，少于法定人数 {quorum}，结果将暂缓公布。", en: "Only {n} judges' scores count, fewer than the quorum of {quorum}: the result will be withheld." },
  "admin.withhold_close_one": { "zh-CN": "仅 {n} 位评委有效评分，少于法定人数 {quorum}，结果将暂缓公布。", en: "Only 1 judge's score counts, fewer than the quorum of {quorum}: the result will be withheld." },
  "admin.withhold_close_none": { "zh-CN": "没有评委有效评分，少于法定人数 {quorum}，结果将暂缓公布。", en: "No judge's score counts, fewer than the quorum of {quorum}: the result will be withheld." },
  "admin.withhold_reveal": { "zh-CN": "仅 {n} 位评委有效评分，少于法定人数 {quorum}：结果暂缓公布，大屏将显示“暂缓”。", en: "Only {n} judges' scores count, fewer than the quorum of {quorum}: the result is withheld, and the screens will say 'Withheld'." },
  "admin.withhold_reveal_one": { "zh-CN": "仅 {n} 位评委有效评分，少于法定人数 {quorum}：结果暂缓公布，大屏将显示“暂缓”。", en: "Only 1 judge's score counts, fewer than the quorum of {quorum}: the result is withheld, and the screens will say 'Withheld'." },
  "admin.incomplete_reveal": { "zh-CN": "成绩不完整：缺{sources}成绩。现在揭晓则没有最终得分、不计排名；可先录入该成绩再揭晓。", en: "The result is incomplete: the {sources} score is missing. Revealed now, it has no final and is not ranked; record the score first to reveal it whole." },
  "admin.prior_on_stage": { "zh-CN": "缺{sources}成绩：请在揭晓前录入，否则成绩不完整、不计排名。", en: "No {sources} score is recorded: record it before the reveal, or the result is incomplete and unranked." },
  "admin.withhold_reveal_none": { "zh-CN": "没有评委有效评分，少于法定人数 {quorum}：结果暂缓公布，大屏将显示“暂缓”。", en: "No judge's score counts, fewer than the quorum of {quorum}: the result is withheld, and the screens will say 'Withheld'." },
  "admin.run_of_show": { "zh-CN": "出场顺序", en: "Run of show" },
  "admin.seed": { "zh-CN": "抽签种子", en: "Draw seed" },
  "admin.seed_hint": { "zh-CN": "留空则用当前时间", en: "empty: the current time" },
  "admin.not_drawn": { "zh-CN": "尚未抽签", en: "not drawn yet" },
  "admin.draw": { "zh-CN": "抽签排序", en: "Draw the order" },
  "admin.draw_by_group": { "zh-CN": "按组别分别抽签", en: "Group by group" },
  "admin.ask_draw_by_group": { "zh-CN": "以种子 {seed} 按组别分别抽签（各组依次上场）？抽定后不能重抽。", en: "Draw the running order group by group (the groups one after another) with seed {seed}? It cannot be drawn again." },
  "admin.ask_draw": { "zh-CN": "以种子 {seed} 抽签排序？抽定后不能重抽。", en: "Draw the running order with seed {seed}? It cannot be drawn again." },
  "admin.draw_too_late": { "zh-CN": "已有选手上场，不能再抽签排序。", en: "Contestants have been called: the order can no longer be drawn." },
  "admin.contestant": { "zh-CN": "选手", en: "Contestant" },
  "admin.group": { "zh-CN": "组别", en: "Group" },
  "admin.status": { "zh-CN": "状态", en: "Status" },
  "admin.call": { "zh-CN": "上场", en: "Call" },
  "admin.withdraw": { "zh-CN": "退赛", en: "Withdraw" },
  "admin.ask_withdraw": { "zh-CN": "{name} 退出比赛？", en: "Withdraw {name} from the competition?" },
  "admin.state_waiting": { "zh-CN": "待上场", en: "Waiting" },
  "admin.state_called": { "zh-CN": "已上场", en: "Called" },
  "admin.state_open": { "zh-CN": "评分中", en: "Scoring" },
  "admin.state_closed": { "zh-CN": "评分结束", en: "Closed" },
  "admin.state_revealed": { "zh-CN": "已揭晓", en: "Revealed" },
  "admin.state_withdrawn": { "zh-CN": "已退赛", en: "Withdrawn" },
  "admin.state_disqualified": { "zh-CN": "取消资格", en: "Disqualified" },
  "admin.reason": { "zh-CN": "原因", en: "Reason" },
  "admin.reason_needed": { "zh-CN": "请填写原因", en: "A reason is needed" },
  "admin.tools": { "zh-CN": "更正与赛程", en: "Corrections and rounds" },
  "admin.amend": { "zh-CN": "更正评分", en: "Amend a score" },
  "admin.ask_amend": { "zh-CN": "更正 {judge} 给 {name} 的评分？更正会记入日志。", en: "Amend {judge}'s score for {name}? The correction is logged." },
  "admin.judge": { "zh-CN": "评委", en: "Judge" },
  "admin.max": { "zh-CN": "满分 {max}", en: "max {max}" },
  "admin.recuse": { "zh-CN": "评委回避", en: "Recuse a judge" },
  "admin.everyone": { "zh-CN": "全部选手", en: "every contestant" },
  "admin.ask_recuse": { "zh-CN": "让 {judge} 回避？", en: "Recuse {judge}?" },
  "admin.ask_recuse_from": { "zh-CN": "让 {judge} 自{round}起回避？此前各轮的评分不变。", en: "Recuse {judge} from {round} on? Earlier rounds keep their marks." },
  "admin.recuse_hint": { "zh-CN": "回避自当前轮次起生效，之后各轮同样回避；此前各轮已给的评分不变", en: "A recusal holds from the round under way on, and in every later round; marks given in earlier rounds stand" },
  "admin.advance": { "zh-CN": "晋级下一轮", en: "Advance to the next round" },
  "admin.to_round": { "zh-CN": "下一轮", en: "Next round" },
  "admin.ask_advance": { "zh-CN": "结束{from}，晋级选手进入{to}？", en: "Close {from} and advance the best to {to}?" },
  "admin.awards": { "zh-CN": "公布获奖名单", en: "Publish the awards" },
  "admin.awards_hint": { "zh-CN": "公布后大屏按奖项从低到高依次揭晓", en: "The screen then reveals them from the lowest award up" },
  "admin.awards_by_steps": { "zh-CN": "由本控制台逐项揭晓（观众手机随大屏同步，不提前显示）", en: "Step through them from this console (phones learn each award with the stage, not before)" },
  "admin.awards_published": { "zh-CN": "本轮奖项已公布", en: "This round's awards are published" },
  "admin.awards_unfinished": { "zh-CN": "尚有 {n} 位选手未完成评分", en: "{n} contestants have not finished scoring" },
  "admin.awards_unfinished_one": { "zh-CN": "尚有 {n} 位选手未完成评分", en: "1 contestant has not finished scoring" },
  "admin.ask_awards": { "zh-CN": "公布{round}的获奖名单？公布后仍为暂定成绩，确定最终成绩是单独一步。", en: "Publish the awards of {round}? They stay provisional: finalising is a step of its own." },
  "admin.finalise": { "zh-CN": "确定最终成绩", en: "Finalise the results" },
  "admin.finalise_hint": { "zh-CN": "确定后大屏不再显示“暂定”，成绩不能再更正", en: "The screens then drop the 'provisional' mark, and no score can be amended" },
  "admin.finalised": { "zh-CN": "本轮成绩已确定为最终成绩", en: "This round's results are final" },
  "admin.ask_finalise": { "zh-CN": "确定{round}的成绩为最终成绩？此后不能再更正评分或重新公布奖项。", en: "Finalise the results of {round}? No score can be amended and the awards cannot be published again afterwards." },
  "admin.paper": { "zh-CN": "代录纸质评分表", en: "Key in a paper sheet" },
  "admin.paper_hint": { "zh-CN": "评委手机故障时，按其纸质评分表代为录入；须由另一位管理员核对确认后才计入", en: "When a judge's phone fails, key in their paper sheet; it counts only once another admin has checked and confirmed it" },
  "admin.paper_enter": { "zh-CN": "录入，待确认", en: "Enter for confirmation" },
  "admin.paper_entered": { "zh-CN": "已录入（第 {seq} 号记录），请另一位管理员核对确认", en: "Entered (record {seq}); another admin must now confirm it" },
  "admin.paper_pending": { "zh-CN": "待确认的纸质评分表", en: "Paper sheets awaiting confirmation" },
  "admin.paper_line": { "zh-CN": "{judge} → {name}：总分 {total}，由 {admin} 录入", en: "{judge} → {name}: total {total}, keyed in by {admin}" },
  "admin.paper_confirm": { "zh-CN": "核对无误，确认计入", en: "Checked: confirm" },
  "admin.paper_reject": { "zh-CN": "驳回", en: "Reject" },
  "admin.paper_own": { "zh-CN": "您录入的评分表须由另一位管理员确认", en: "A sheet you keyed in is confirmed by another admin" },
  "admin.ask_paper_confirm": { "zh-CN": "已与纸质评分表逐项核对？确认后 {judge} 给 {name} 的 {total} 分立即计入。", en: "Checked against the paper, line by line? {judge}'s {total} for {name} counts at once." },
  "admin.ask_paper_reject": { "zh-CN": "驳回 {judge} 给 {name} 的纸质评分表？", en: "Reject {judge}'s paper sheet for {name}?" },
  "admin.you_are": { "zh-CN": "当前管理员：{id}", en: "Signed in as {id}" },
  "admin.priors": { "zh-CN": "前期成绩未录入", en: "Prior scores not recorded" },
  "admin.priors_missing": { "zh-CN": "{n} 位选手缺少{source}成绩", en: "{n} contestants have no {source} score" },
  "admin.priors_missing_one": { "zh-CN": "{n} 位选手缺少{source}成绩", en: "1 contestant has no {source} score" },
  "admin.priors_round": { "zh-CN": "本轮前期成绩", en: "Prior scores of this round" },
  "admin.priors_carried": { "zh-CN": "{n} 位选手沿用{round}的{source}成绩；如{here}有自己的评审，请为每位选手录入", en: "{n} contestants carry their {source} score from the round “{round}”: if the round “{here}” has a review of its own, record each one's" },
  "admin.priors_carried_one": { "zh-CN": "{n} 位选手沿用{round}的{source}成绩；如{here}有自己的评审，请为其录入", en: "1 contestant carries their {source} score from the round “{round}”: if the round “{here}” has a review of its own, record it" },
  "admin.prior_own_short": { "zh-CN": "已有本轮成绩 {value}", en: "has this round's score, {value}" },
  "admin.prior_carried_short": { "zh-CN": "沿用{round}成绩 {value}", en: "carries {value} from the round “{round}”" },
  "admin.prior_own": { "zh-CN": "{name} 已有{here}的{source}成绩 {value}。", en: "{name} already has the {source} score of the round “{here}”: {value}." },
  "admin.prior_carried": { "zh-CN": "{name} 沿用{round}的{source}成绩 {value}；在此录入的成绩自{here}起计入。", en: "{name} carries the {source} score {value} from the round “{round}”; one recorded here counts from the round “{here}” on." },
  "admin.prior_own_replace": { "zh-CN": "{name} 已有{here}的{source}成绩 {value}，录入将替换它。", en: "{name} already has the {source} score of the round “{here}”, {value}: recording replaces it." },
  "admin.prior_carried_replace": { "zh-CN": "{name} 目前沿用{round}的{source}成绩 {value}；录入后{here}起改用新成绩，{round}的成绩不变。", en: "{name} carries the {source} score {value} from the round “{round}”: from the round “{here}” on, the new one counts instead; the round “{round}” keeps its own." },
  "admin.priors_hint": { "zh-CN": "未录入时成绩不完整：揭晓时没有最终得分，不计排名。请在揭晓前录入。", en: "Until it is recorded their results are incomplete: revealed without a final, and not ranked. Record them before the reveals." },
  "admin.prior_source": { "zh-CN": "成绩项", en: "Score" },
  "admin.prior_value": { "zh-CN": "分数", en: "Value" },
  "admin.prior_record": { "zh-CN": "录入成绩", en: "Record the score" },
  "admin.ask_prior": { "zh-CN": "录入 {name} 的{source}成绩 {value}？录入会记入日志。", en: "Record {value} as {name}'s {source} score? It is logged." },
  "admin.judges": { "zh-CN": "评委与评分链接", en: "Judges and their links" },
  "admin.print_sheet": { "zh-CN": "打印评委二维码", en: "Print the judges' QR codes" },
  "admin.ask_print": { "zh-CN": "将为 {n} 位评委生成新链接，旧链接随即失效。继续？", en: "New links will be issued to {n} judges; their old links stop working. Continue?" },
  "admin.ask_print_one": { "zh-CN": "将为 {n} 位评委生成新链接，旧链接随即失效。继续？", en: "A new link will be issued to 1 judge; their old link stops working. Continue?" },
  "admin.new_link": { "zh-CN": "重新生成链接", en: "New link" },
  "admin.ask_new_link": { "zh-CN": "为 {name} 生成新链接？旧链接随即失效。", en: "Issue a new link to {name}? The old one stops working." },
  "admin.revoke": { "zh-CN": "作废链接", en: "Revoke" },
  "admin.ask_revoke": { "zh-CN": "作废 {name} 的链接？其手机将无法再提交评分。", en: "Revoke {name}'s link? Their phone can no longer submit." },
  "admin.revoked": { "zh-CN": "已作废 {name} 的链接", en: "{name}'s link is revoked" },
  "admin.exports": { "zh-CN": "导出", en: "Exports" },
  "admin.export_lang": { "zh-CN": "语言", en: "Language" },
  "admin.export_round": { "zh-CN": "轮次", en: "Round" },
  "admin.export_xlsx": { "zh-CN": "成绩表（电子表格）", en: "Results (Excel)" },
  "admin.export_csv": { "zh-CN": "成绩表（逗号分隔文本）", en: "Results (CSV)" },
  "admin.export_html": { "zh-CN": "可打印的成绩公告", en: "Printable results" },
  "admin.export_log": { "zh-CN": "完整日志", en: "The full log" },
  "admin.export_log_hint": { "zh-CN": "每行一条记录，可交审计员独立校验", en: "One record a line, for auditors to verify on their own" },
  "admin.downloaded": { "zh-CN": "已下载 {name}", en: "Downloaded {name}" },
  "admin.new_competition": { "zh-CN": "新建赛事", en: "New competition" },
  "admin.definition_file": { "zh-CN": "赛事文件（选手与评委须写在文件内）", en: "Competition file (contestants and judges written in it)" },
  "admin.setup_token": { "zh-CN": "服务器设置令牌", en: "Server set-up token" },
  "admin.check": { "zh-CN": "检查", en: "Check" },
  "admin.create": { "zh-CN": "创建赛事", en: "Create the competition" },
  "admin.ask_create": { "zh-CN": "创建赛事 {id}？各链接只显示这一次。", en: "Create the competition {id}? Its links are shown only once." },
  "admin.check_ok": { "zh-CN": "文件无误：{contestants} 位选手、{judges} 位评委、{events} 条记录", en: "The file is sound: {contestants} contestants, {judges} judges, {events} records" },
  "admin.check_where": { "zh-CN": "字段或行", en: "Field or row" },
  "admin.check_problem": { "zh-CN": "问题", en: "Problem" },
  "admin.no_upload": { "zh-CN": "本服务器不接受上传赛事文件，请在服务器上运行 leitai init", en: "This server does not take uploaded files: run leitai init on the server" },
  "admin.created": { "zh-CN": "赛事已创建。请立即保存以下链接，它们不会再次显示：", en: "Created. Keep these links now: they are not shown again." },
  "admin.link_admin": { "zh-CN": "控制台", en: "Console" },
  "admin.link_auditor": { "zh-CN": "审计", en: "Audit" },
  "login.refused": { "zh-CN": "该链接或令牌无效（已作废或有误）", en: "This link or token is not valid (revoked or mistyped)" },
  "admin.login": { "zh-CN": "请使用管理员链接进入", en: "Open the organiser's link" },
  "admin.token": { "zh-CN": "管理员令牌", en: "Admin token" },
  "admin.enter": { "zh-CN": "进入", en: "Enter" },

  "audit.title": { "zh-CN": "审计", en: "Audit" },
  "audit.login": { "zh-CN": "请使用审计员链接进入", en: "Open the auditor's link" },
  "audit.token": { "zh-CN": "审计员令牌", en: "Auditor token" },
  "audit.verification": { "zh-CN": "日志校验", en: "Verification" },
  "audit.source_server": { "zh-CN": "来源：本服务器的日志", en: "Source: this server's log" },
  "audit.source_file": { "zh-CN": "来源：文件 {name}", en: "Source: the file {name}" },
  "audit.load_file": { "zh-CN": "校验导出的日志文件（每行一条记录）", en: "Check an exported log file (one record a line)" },
  "audit.back_to_server": { "zh-CN": "回到本服务器的日志", en: "Back to this server's log" },
  "audit.checking": { "zh-CN": "正在逐条校验…已核对 {n} 条", en: "Checking… {n} records so far" },
  "audit.intact": { "zh-CN": "哈希链完整：共 {n} 条记录，逐条重新计算无误", en: "Chain intact: {n} records, every hash recomputed in this browser" },
  "audit.broken": { "zh-CN": "哈希链断裂：第 {seq} 号记录", en: "Chain broken at record {seq}" },
  "audit.empty": { "zh-CN": "日志为空", en: "The log is empty" },
  "audit.head": { "zh-CN": "链头：第 {seq} 号记录，哈希", en: "Head: record {seq}, hash" },
  "audit.matches_server": { "zh-CN": "与本服务器日志的前 {seq} 条完全一致", en: "Identical to the first {seq} records of this server's log" },
  "audit.differs_from_server": { "zh-CN": "与本服务器日志自第 {seq} 号记录起不同", en: "Differs from this server's log from record {seq} on" },
  "audit.longer_than_server": { "zh-CN": "文件比本服务器的日志更长（服务器仅有 {seq} 条）", en: "The file is longer than this server's log ({seq} records)" },
  "audit.how": { "zh-CN": "每条记录的哈希 = 前一条哈希与本条规范化内容拼接后的摘要，详见日志格式说明", en: "Each record's hash covers the previous hash and the record's canonical bytes, as docs/log-format.md specifies" },
  "verify.not_json": { "zh-CN": "第 {line} 行不是合法的记录", en: "line {line} is not a JSON record" },
  "verify.members": { "zh-CN": "第 {line} 行缺少或多出字段", en: "line {line} lacks a member or has one too many" },
  "verify.seq": { "zh-CN": "此处应为第 {seq} 号记录，实际为 {found}：有记录缺失、重复或次序被打乱", en: "record {seq} was expected here, found {found}: a record is missing, repeated or out of order" },
  "verify.stream": { "zh-CN": "该记录属于另一赛事（{stream}）", en: "the record belongs to another stream ({stream})" },
  "verify.prev": { "zh-CN": "前序哈希与第 {before} 号记录的哈希不符", en: "its prev does not match the hash of record {before}" },
  "verify.hash": { "zh-CN": "内容与哈希不符：记录被改动过", en: "its content does not match its hash: the record was altered" },
  "verify.canonical": { "zh-CN": "记录未按规范格式书写", en: "the record is not written in canonical form" },
  "audit.timeline": { "zh-CN": "日志时间线", en: "Timeline of the log" },
  "audit.filter_judge": { "zh-CN": "评委", en: "Judge" },
  "audit.filter_contestant": { "zh-CN": "选手", en: "Contestant" },
  "audit.filter_type": { "zh-CN": "类型", en: "Type" },
  "audit.all": { "zh-CN": "全部", en: "All" },
  "audit.showing": { "zh-CN": "显示 {n}/{m} 条", en: "Showing {n} of {m}" },
  "audit.more": { "zh-CN": "再显示 {n} 条", en: "Show {n} more" },
  "audit.col_seq": { "zh-CN": "序号", en: "Record" },
  "audit.col_time": { "zh-CN": "时间", en: "Time" },
  "audit.col_actor": { "zh-CN": "操作者", en: "Actor" },
  "audit.col_type": { "zh-CN": "类型", en: "Type" },
  "audit.col_details": { "zh-CN": "内容", en: "Details" },
  "audit.board_here": { "zh-CN": "查看第 {seq} 号记录时的榜单", en: "Board as of record {seq}" },
  "audit.total": { "zh-CN": "总分", en: "total" },
  "audit.abstain": { "zh-CN": "弃评", en: "abstained" },
  "audit.on_behalf": { "zh-CN": "由 {admin} 代录纸质评分表，{confirmer} 核对确认", en: "paper sheet keyed in by {admin}, confirmed by {confirmer}" },
  "audit.paper_waiting": { "zh-CN": "纸质评分表，待另一位管理员确认后计入", en: "paper sheet: counts once another admin confirms it" },
  "audit.paper_sheet": { "zh-CN": "纸质评分表 {sheet}", en: "paper sheet {sheet}" },
  "audit.all_contestants": { "zh-CN": "全部选手", en: "every contestant" },
  "audit.from_round": { "zh-CN": "自{round}起", en: "from {round} on" },
  "audit.final_rank": { "zh-CN": "最终得分 {final} · 第 {rank} 名", en: "final {final} · rank {rank}" },
  "audit.withheld": { "zh-CN": "成绩暂缓（评分不足）", en: "withheld (too few scores)" },
  "audit.incomplete": { "zh-CN": "现场评分 {aggregate} · 前期成绩待补，未计排名", en: "live score {aggregate} · a prior score awaited, not ranked" },
  "audit.seed": { "zh-CN": "种子 {seed}", en: "seed {seed}" },
  "audit.n_awards": { "zh-CN": "{n} 个奖项", en: "{n} awards" },
  "audit.n_awards_one": { "zh-CN": "{n} 个奖项", en: "1 award" },
  "audit.n_advanced": { "zh-CN": "{n} 位选手晋级", en: "{n} contestants advance" },
  "audit.n_advanced_one": { "zh-CN": "{n} 位选手晋级", en: "1 contestant advances" },
  "aggregation.mean": { "zh-CN": "算术平均", en: "mean" },
  "aggregation.trimmed_mean": { "zh-CN": "去掉 {k} 个最高分和 {k} 个最低分后平均", en: "mean without the {k} highest and {k} lowest" },
  "aggregation.median": { "zh-CN": "中位数", en: "median" },
  "aggregation.closest_pair": { "zh-CN": "最接近的两个分数的平均", en: "mean of the closest pair" },
  "audit.quorum": { "zh-CN": "至少 {n} 个有效分", en: "at least {n} marks" },
  "audit.draw_by_group": { "zh-CN": "按组别分别抽签", en: "drawn group by group" },
  "audit.compose_rounded": { "zh-CN": "各项得分先修约至规定小数位再加权", en: "each term rounded before weighting" },
  "audit.live_source": { "zh-CN": "现场评分", en: "live" },
  "audit.n_criteria": { "zh-CN": "{n} 项评分标准", en: "{n} criteria" },
  "audit.corrections": { "zh-CN": "更正、回避与退赛", en: "Amendments, recusals and withdrawals" },
  "audit.no_corrections": { "zh-CN": "日志中没有更正、回避或退赛", en: "The log holds no amendment, recusal or withdrawal" },
  "audit.before": { "zh-CN": "原为", en: "was" },
  "audit.after": { "zh-CN": "改为", en: "now" },
  "audit.reason": { "zh-CN": "原因", en: "Reason" },
  "audit.board_at": { "zh-CN": "任一时刻的榜单", en: "The board at any moment" },
  "audit.board_seq": { "zh-CN": "截至第几号记录", en: "As of record" },
  "audit.latest": { "zh-CN": "最新", en: "Latest" },
  "audit.board_caption": { "zh-CN": "第 {seq} 号记录之后的榜单（服务器按日志重放）", en: "The board after record {seq}, replayed by the server from the log" },
  "audit.board_unavailable": { "zh-CN": "本服务器尚不能按序号重放榜单，此处不显示", en: "This server cannot replay the board at a past record yet, so none is shown" },
  "audit.board_empty": { "zh-CN": "此时尚无轮次", en: "No round had begun by then" },
  "audit.col_rank": { "zh-CN": "名次", en: "Rank" },
  "audit.col_judges": { "zh-CN": "各评委总分", en: "Judges' totals" },
  "audit.col_final": { "zh-CN": "最终得分", en: "Final" },
  "audit.col_award": { "zh-CN": "奖项", en: "Award" },
  "audit.col_status": { "zh-CN": "状态", en: "Status" },
  "audit.dropped": { "zh-CN": "不计入", en: "not counted" },
  "audit.judges": { "zh-CN": "评委宽严与一致性", en: "Judges' severity and consistency" },
  "audit.round": { "zh-CN": "轮次：{round}", en: "Round: {round}" },
  "audit.severity": { "zh-CN": "宽严度：评委总分与该选手综合分之差的平均（负值偏严）", en: "Severity: mean of the judge's total minus the contestant's aggregate (negative: harsh)" },
  "audit.consistency": { "zh-CN": "一致性：评委总分与最终排名的等级相关系数（1 为完全一致）", en: "Consistency: rank correlation of the judge's totals with the finals (1: in full agreement)" },
  "audit.no_data": { "zh-CN": "暂无数据", en: "No data yet" },
  "audit.col_judge": { "zh-CN": "评委", en: "Judge" },
  "audit.col_sheets": { "zh-CN": "评分表", en: "Sheets" },
  "audit.col_corrections": { "zh-CN": "更正", en: "Corrections" },
  "audit.col_flagged": { "zh-CN": "偏离较大", en: "Far from the median" },
  "audit.flag_hint": { "zh-CN": "偏离较大：与该选手有效分中位数相差超过满分的 {share}%", en: "Far from the median: more than {share}% of the maximum total away from the contestant's median mark" },
  "audit.shadow": { "zh-CN": "见习", en: "shadow" },
  "role.admin": { "zh-CN": "管理员", en: "Admin" },
  "role.judge": { "zh-CN": "评委", en: "Judge" },
  "role.auditor": { "zh-CN": "审计员", en: "Auditor" },
  "role.system": { "zh-CN": "系统", en: "System" },
  "type.competition_created": { "zh-CN": "创建赛事", en: "Competition created" },
  "type.settings_changed": { "zh-CN": "变更设置", en: "Settings changed" },
  "type.round_opened": { "zh-CN": "轮次开始", en: "Round opened" },
  "type.round_closed": { "zh-CN": "轮次结束", en: "Round closed" },
  "type.group_defined": { "zh-CN": "设立组别", en: "Group defined" },
  "type.contestant_registered": { "zh-CN": "选手报名", en: "Contestant registered" },
  "type.contestant_withdrawn": { "zh-CN": "选手退赛", en: "Contestant withdrawn" },
  "type.contestant_disqualified": { "zh-CN": "取消资格", en: "Contestant disqualified" },
  "type.judge_registered": { "zh-CN": "登记评委", en: "Judge registered" },
  "type.judge_recused": { "zh-CN": "评委回避", en: "Judge recused" },
  "type.panel_assigned": { "zh-CN": "分配评委组", en: "Panel assigned" },
  "type.scoresheet_defined": { "zh-CN": "设定评分表", en: "Scoresheet defined" },
  "type.rules_set": { "zh-CN": "设定规则", en: "Rules set" },
  "type.prior_score_recorded": { "zh-CN": "录入前期成绩", en: "Prior score recorded" },
  "type.running_order_drawn": { "zh-CN": "抽签排序", en: "Running order drawn" },
  "type.contestant_called": { "zh-CN": "选手上场", en: "Contestant called" },
  "type.scoring_opened": { "zh-CN": "开始评分", en: "Scoring opened" },
  "type.score_submitted": { "zh-CN": "提交评分", en: "Score submitted" },
  "type.score_amended": { "zh-CN": "更正评分", en: "Score amended" },
  "type.scoring_closed": { "zh-CN": "结束评分", en: "Scoring closed" },
  "type.result_revealed": { "zh-CN": "揭晓成绩", en: "Result revealed" },
  "type.awards_published": { "zh-CN": "公布奖项", en: "Awards published" },
  "type.contestants_advanced": { "zh-CN": "选手晋级", en: "Contestants advanced" },
  "type.awards_step_shown": { "zh-CN": "大屏揭晓奖项", en: "Awards shown on screens" },
  "type.paper_sheet_entered": { "zh-CN": "代录纸质评分表", en: "Paper sheet keyed in" },
  "type.paper_sheet_rejected": { "zh-CN": "驳回纸质评分表", en: "Paper sheet rejected" },
  "type.results_finalised": { "zh-CN": "确定最终成绩", en: "Results finalised" },

  "live.title": { "zh-CN": "实时榜单", en: "Live board" },
  "live.on_stage": { "zh-CN": "正在比赛", en: "On stage" },
  "live.provisional": { "zh-CN": "成绩为暂定，以主办方确定的最终成绩为准", en: "Results are provisional until the organiser finalises them" },

  "index.tagline": { "zh-CN": "现场评分与实时榜单", en: "Live scoring and scoreboards" },
  "index.competitions": { "zh-CN": "本服务器上的赛事", en: "Competitions on this server" },
  "index.stage_not_started": { "zh-CN": "未开始", en: "Not started" },
  "index.stage_running": { "zh-CN": "进行中", en: "Live" },
  "index.stage_final": { "zh-CN": "已结束", en: "Final" },
  "index.none": { "zh-CN": "暂无赛事", en: "No competitions yet" },
  "index.live": { "zh-CN": "实时榜单", en: "Live board" },
  "index.screen": { "zh-CN": "大屏", en: "Venue screen" },
  "index.admin": { "zh-CN": "控制台", en: "Organiser console" },
};

let language = null;
let allowed = LANGUAGES;
const listeners = [];

function fromBrowser() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return null;
}

/** Settle the language among `languages` (the competition's; null: both). */
export function chooseLanguage(languages) {
  allowed = languages?.length ? LANGUAGES.filter((l) => languages.includes(l)) : LANGUAGES;
  if (!allowed.length) allowed = LANGUAGES;
  const asked = new URLSearchParams(location.search).get("lang");
  let stored = null;
  try { stored = localStorage.getItem(STORE_KEY); } catch { stored = null; }
  const pick = [asked, stored, fromBrowser(), languages?.[0]].find((l) => l && allowed.includes(l)) ?? allowed[0];
  const changed = pick !== language;
  language = pick;
  document.documentElement.lang = language;
  if (changed) for (const fn of listeners) fn(language);
  return language;
}

export function currentLanguage() {
  return language ?? chooseLanguage(null);
}

/** Switch and remember the choice. */
export function setLanguage(next) {
  if (!allowed.includes(next)) return;
  try { localStorage.setItem(STORE_KEY, next); } catch { /* private mode: not kept */ }
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.set("lang", next);
    history.replaceState(null, "", url);
  }
  language = next;
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLanguage(fn) {
  listeners.push(fn);
}

/** The message `key` in the current language, with {name} placeholders filled;
 * a count (`n` or `places`) of exactly 1 takes the `key_one` form where there is one. */
export function t(key, params = {}) {
  const count = params.n ?? params.places;
  const entry = (Number(count) === 1 && MESSAGES[`${key}_one`]) || MESSAGES[key];
  if (!entry) {
    console.error(`i18n: no message ${key}`);
    return key;
  }
  const text = entry[currentLanguage()] ?? entry.en;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** A competition label ({"zh-CN": …, "en": …}) in the current language, else the other. */
export function label(value) {
  if (!value) return "";
  if (typeof value === "string") return value;
  return value[currentLanguage()] || value["zh-CN"] || value.en || "";
}

/** Fill the elements marked data-i18n (text), data-i18n-placeholder, data-i18n-aria-label. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
}
