from django.core.management.base import BaseCommand, CommandError

from documents.importer import DEFAULT_BATCH_SIZE, DocumentImporter, Indexing, missing_paths


class Command(BaseCommand):
    help = (
        "导入规范性文件（.md、.txt、.docx、.pdf）：可给出文件或文件夹（递归查找）。从正文中读取标题、"
        "文号、制定机关和日期；按来源路径和内容摘要值识别，重复导入不会产生重复记录；出错的文件"
        "列出原因后跳过，其余照常导入；最后打印汇总。规则见 docs/documents-import.md。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"每批处理的文件数，每批一个事务（默认 {DEFAULT_BATCH_SIZE}）",
        )
        parser.add_argument(
            "--no-files", action="store_true", help="只导入文字和信息，不把原文件作为附件保存"
        )
        parser.add_argument(
            "--draft", action="store_true", help="新导入的文件保存为草稿（默认直接发布）"
        )
        parser.add_argument(
            "--index",
            choices=Indexing.MODES,
            default="batch",
            help="搜索索引和引用索引：batch 每批写入后批量更新（默认），row 逐条更新（较慢），"
            "off 不更新（之后运行 manage.py update_index 和 rebuild_references_index）",
        )
        parser.add_argument(
            "--category", help="类别（默认取 PATH 下第一级文件夹名，直接给出的文件为空）"
        )
        parser.add_argument(
            "--strict", action="store_true", help="有任何文件导入失败时以非零状态退出"
        )

    def handle(self, *args, paths, batch_size, no_files, draft, index, category, strict, **options):
        verbosity = options["verbosity"]
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")
        missing = missing_paths(paths)
        if missing:
            raise CommandError("找不到以下路径，未导入任何文件：" + "、".join(missing))

        def report(kind, source_path, message=""):
            if kind == "failed":
                self.stderr.write(f"失败：{source_path}：{message}")
            elif kind == "duplicate":
                self.stdout.write(f"跳过（重复）：{source_path}：{message}")
            elif kind == "flagged":
                self.stdout.write(self.style.WARNING(f"需人工录入：{source_path}：{message}"))
            elif kind == "number_taken":
                self.stdout.write(self.style.WARNING(f"文号重复：{source_path}：{message}"))
            elif verbosity >= 2:
                label = {"imported": "导入", "updated": "更新", "unchanged": "未变"}[kind]
                self.stdout.write(f"{label}：{source_path}" + (f"（{message}）" if message else ""))

        importer = DocumentImporter(
            attach_files=not no_files,
            live=not draft,
            batch_size=batch_size,
            indexing=index,
            category=category,
            report=report,
        )
        stats = importer.run(paths)

        if stats.files == 0:
            raise CommandError("给出的路径中没有找到文件。")
        megabytes = stats.bytes / (1024 * 1024)
        seconds = max(stats.seconds, 0.001)
        summary = (
            f"导入 {stats.imported}，更新 {stats.updated}，"
            f"跳过 {stats.skipped}（未变 {stats.unchanged}，重复 {stats.duplicates}），"
            f"失败 {stats.failed}，需人工录入 {stats.flagged}；"
            f"共 {stats.files} 个文件 {megabytes:.1f} MB，用时 {stats.seconds:.1f} 秒"
            f"（{stats.files / seconds:.0f} 个/秒，{megabytes / seconds:.2f} MB/秒）"
        )
        style = self.style.SUCCESS if not stats.failed else self.style.WARNING
        self.stdout.write(style(summary))
        if stats.number_taken:
            self.stdout.write(
                self.style.WARNING(
                    f"文号重复 {stats.number_taken} 个：其文号已在备案目录中，已照常导入，"
                    "请核对是否重复登记（见上方“文号重复”各行）。"
                )
            )
        if verbosity >= 2:
            self.stdout.write(
                f"内存峰值 {stats.peak_rss_mb():.0f} MB，CPU 时间 {stats.cpu_seconds:.1f} 秒"
            )
        if index == "off" and stats.imported + stats.updated:
            self.stdout.write(
                "未更新搜索索引和引用索引（--index off）："
                "请运行 manage.py update_index 和 manage.py rebuild_references_index。"
            )
        if stats.all_failed:
            raise CommandError(f"全部 {stats.files} 个文件导入失败。")
        if strict and stats.failed:
            raise CommandError(f"有 {stats.failed} 个文件导入失败（--strict）。")
