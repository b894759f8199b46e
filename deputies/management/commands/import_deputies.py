import time

from django.core.management.base import BaseCommand, CommandError

from deputies.importer import RegisterFileError, RegisterImporter, read_table

# Errors listed one by one; the rest are counted (a bad file of 20,000 rows stays readable).
MAX_ERROR_LINES = 100


class Command(BaseCommand):
    help = (
        "导入人大代表名册（.xlsx 或 .csv，CSV 可为 UTF-8 或 GBK 编码）。先检查全部行，"
        "有任何一行出错则列出行号和原因、不写入任何数据；按代表编号更新已有代表，不会重复创建。"
        "表头格式见 docs/deputies.md「名册导入」。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件路径（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告结果，不写入数据库")
        parser.add_argument(
            "--term",
            help="届次（如 18 或 第十八届）：文件没有“届次”列或该列留空时使用",
        )

    def handle(self, *args, file, dry_run=False, term=None, verbosity=1, **options):
        started = time.monotonic()
        try:
            table = read_table(file)
            importer = RegisterImporter(default_term=term)
            report = importer.validate(table)
        except RegisterFileError as error:
            raise CommandError(str(error)) from error

        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"警告：{warning}"))
        if report.errors:
            errors = sorted(report.errors, key=lambda item: item[0])
            for line, message in errors[:MAX_ERROR_LINES]:
                self.stderr.write(f"第 {line} 行：{message}")
            if len(errors) > MAX_ERROR_LINES:
                self.stderr.write(f"……另有 {len(errors) - MAX_ERROR_LINES} 处错误未列出。")
            raise CommandError(
                f"名册共 {report.rows} 行数据，其中 {report.bad_lines} 行有错误"
                f"（共 {len(report.errors)} 处），未导入任何数据。请改正后重新导入。"
            )

        if not dry_run:
            importer.apply(report)

        if verbosity >= 2:
            for plan in report.plans:
                action = "新建" if plan.is_new else "更新" if plan.changed else "未变"
                deputy = plan.deputy
                self.stdout.write(
                    f"第 {plan.line} 行 {deputy.register_number} {deputy.name}：{action}"
                )
        if report.area_links:
            verb = "将新增" if dry_run else "新增"
            self.stdout.write(f"选区{verb}覆盖区划 {len(report.area_links)} 个")
        summary = (
            f"新建 {report.created}，更新 {report.updated}，未变 {report.unchanged}，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        )
        if dry_run:
            self.stdout.write(f"试运行（--dry-run），数据库未改动。预计：{summary}")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
