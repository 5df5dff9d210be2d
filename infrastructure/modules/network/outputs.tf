output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "azs" {
  description = "Availability zones in use."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnet ids (load balancers, NAT)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet ids (worker nodes)."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_count" {
  description = "Number of NAT gateways created."
  value       = length(aws_nat_gateway.this)
}

output "private_subnet_ids_by_az" {
  description = "Private subnet of each availability zone (zone => subnet id), one node group each."
  value       = zipmap(local.azs, aws_subnet.private[*].id)
}

output "flow_log_group_name" {
  description = "CloudWatch log group of the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
